/**
 * Which address of a contact a send needs, and how addresses are stored. An integration's identifier
 * type decides the `User Identifier` it sends, and so the address a contact must have: a contact
 * without it is excluded at generation (an EXCLUDED message with the reason below), never sent.
 * Pure: the workflow bundle may import it.
 */

/** What `${userIdentifier}` holds, per integration. */
export const IDENTIFIER_TYPES = ['email', 'email_sha256', 'phone', 'external_id'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

/** A contact's address fields. */
export type ContactAddress = 'email' | 'phone' | 'externalId';

/** The address each identifier type reads (the SHA-256 of an email needs the email). */
export const IDENTIFIER_ADDRESS: Record<IdentifierType, ContactAddress> = {
  email: 'email',
  email_sha256: 'email',
  phone: 'phone',
  external_id: 'externalId',
};

/** The address an integration's identifier type needs; an unknown type is a stored row we cannot read. */
export function addressNeeded(identifierType: string): ContactAddress {
  const address = IDENTIFIER_ADDRESS[identifierType as IdentifierType];
  if (!address) throw new Error(`unknown identifier type ${JSON.stringify(identifierType)}`);
  return address;
}

/** The reason an EXCLUDED message keeps (and its `exclude` feedback event reports). */
export const NO_ADDRESS_REASONS: Record<ContactAddress, string> = {
  email: 'no email address',
  phone: 'no phone number',
  externalId: 'no external id',
};

/**
 * An email as stored: trimmed and lower-cased, so matching on it (segments, suppression, the email
 * API's recipients) does not depend on how a client spelled it. Empty means none.
 */
export function normalizeEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim().toLowerCase();
  return trimmed ? trimmed : null;
}

/**
 * A phone as stored: E.164 with its `+` (the API accepts the digits without it), no surrounding
 * spaces. Empty means none.
 */
export function normalizePhone(phone: string | null | undefined): string | null {
  const trimmed = phone?.trim();
  if (!trimmed) return null;
  return /^\d+$/.test(trimmed) ? `+${trimmed}` : trimmed;
}
