/**
 * What an integration adds to every request: its static headers, its authentication, and how the
 * user identifier and the ESP's message id are read. Secrets are opened only in memory, for sending.
 */
import { createHash } from 'node:crypto';
import { MASK } from '@sendgate/crypto';
import { IDENTIFIER_TYPES, IdentifierType } from '@sendgate/domain';
import { OAuth2Credentials } from './oauth2';

export { IDENTIFIER_TYPES };
export type { IdentifierType };

export interface HeaderSpec {
  key: string;
  value: string;
  secret: boolean;
}

export type IntegrationAuth =
  { type: 'none' } | { type: 'basic'; username: string; password: string } | ({ type: 'oauth2' } & OAuth2Credentials);

/** The `User Identifier` variable for a contact, per the integration's identifier type. */
export function userIdentifier(type: string, contact: { email: string | null; phone: string | null; externalId: string }): string | null {
  switch (type as IdentifierType) {
    case 'email':
      return contact.email;
    case 'email_sha256':
      return contact.email === null ? null : createHash('sha256').update(contact.email.trim().toLowerCase()).digest('hex');
    case 'phone':
      return contact.phone;
    case 'external_id':
      return contact.externalId;
  }
  throw new Error(`unknown identifier type ${type}`);
}

/** The request headers of a send: static headers, then authentication (an OAuth2 send passes its bearer token). */
export function requestHeaders(headers: HeaderSpec[], auth: IntegrationAuth, bearer?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const header of headers) out[header.key.toLowerCase()] = header.value;
  if (auth.type === 'basic') out.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  if (auth.type === 'oauth2' && bearer) out.authorization = `Bearer ${bearer}`;
  return out;
}

/** The same headers as shown to a person: secret headers and credentials masked. */
export function maskedRequestHeaders(headers: HeaderSpec[], auth: IntegrationAuth): Record<string, string> {
  const out: Record<string, string> = {};
  for (const header of headers) out[header.key.toLowerCase()] = header.secret ? MASK : header.value;
  if (auth.type === 'basic') out.authorization = `Basic ${MASK}`;
  if (auth.type === 'oauth2') out.authorization = `Bearer ${MASK}`;
  return out;
}

const PATH = /^[A-Za-z_$][\w$-]*(\[\d+\])*(\.[A-Za-z_$][\w$-]*(\[\d+\])*)*$/;

export function isMessageIdPath(path: string): boolean {
  return path.length <= 200 && PATH.test(path);
}

/** Reads `messages[0].messageId`-style paths from a JSON response body; undefined when absent. */
export function readMessageId(path: string, body: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  for (const part of path.split('.')) {
    const [name, ...indexes] = part.split('[');
    value = (value as Record<string, unknown> | undefined)?.[name];
    for (const index of indexes) value = (value as unknown[] | undefined)?.[Number(index.slice(0, -1))];
    if (value === undefined || value === null) return undefined;
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value).slice(0, 255) : undefined;
}
