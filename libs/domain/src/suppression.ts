/**
 * Suppression lists: per account and channel, the addresses nothing may be sent to any more. A
 * permanent bounce or a complaint from the ESP's callbacks adds one, an unsubscribe link adds one,
 * an operator adds or removes them through the API. Generation turns a suppressed address into an
 * EXCLUDED message with the suppression's reason. Pure: the workflow bundle may import it.
 */
import { normalizeEmail, normalizePhone } from './contact-address';
import { Channel } from './states';

export const SUPPRESSION_REASONS = ['unsubscribed', 'hard_bounce', 'complaint', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/**
 * The reasons a transactional send (the email API) honours whatever the request says: a mailbox
 * that does not exist or a recipient who reported spam. `unsubscribed` it honours unless the
 * request opts out (a password reset still goes to someone who left the newsletter).
 */
export const TRANSACTIONAL_SUPPRESSION_REASONS: readonly SuppressionReason[] = ['hard_bounce', 'complaint', 'manual'];

export const MAX_SUPPRESSION_SOURCE = 200;

/** Before the suppression's reason, the reason an EXCLUDED message keeps when its address is suppressed. */
export const SUPPRESSED_REASON_PREFIX = 'suppressed: ';

/** The reason an EXCLUDED message keeps when its address is suppressed (`exclude` feedback reports it). */
export function suppressedReason(reason: SuppressionReason): string {
  return `${SUPPRESSED_REASON_PREFIX}${reason}`;
}

/** An email: one `@`, something either side, no spaces or control characters; RFC 5321's lengths. */
// eslint-disable-next-line no-control-regex
const EMAIL = /^[^\s@\x00-\x1f\x7f]{1,64}@[^\s@\x00-\x1f\x7f]{1,255}$/;
/** E.164: a `+`, then up to 15 digits, the first not 0. */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * An address as a suppression list stores and matches it: an email trimmed and lower-cased, a phone
 * in E.164 (the digits alone are taken, with the `+` added), as contacts store theirs. Answers the
 * problem instead when the address is not one of the channel's.
 */
export function suppressionAddress(channel: Channel, address: string): { address: string } | { problem: string } {
  if (channel === Channel.EMAIL) {
    const email = normalizeEmail(address);
    if (!email || email.length > 320 || !EMAIL.test(email)) return { problem: 'must be an email address such as ada@example.com' };
    return { address: email };
  }
  const phone = normalizePhone(address)?.replace(/[\s().-]/g, '') ?? null;
  if (!phone || !E164.test(phone)) return { problem: 'must be a phone number in E.164 form such as +441234567890' };
  return { address: phone };
}

/** What a bounce reported by an ESP says, as its callback mapping read it. */
export interface BounceDetails {
  type: string | null;
  code: string | null;
  reason: string | null;
}

const COMPLAINT = /complain|spam|abuse|fbl/i;
/** A soft or temporary bounce: the mailbox exists and a later send may well arrive. */
const TRANSIENT = /soft|transient|temporar|blocked|deferr|mailbox.?full|quota|throttl/i;

/**
 * What a bounce adds to the suppression list: `complaint` when the ESP reports a spam complaint,
 * `hard_bounce` when the failure is permanent, nothing for a soft bounce (a 4.x.x status, a type
 * or code saying soft, temporary, blocked or mailbox full). A bounce that says nothing of its kind
 * counts as permanent: the ESP reports soft bounces as such, or not as bounces at all.
 */
export function suppressionOfBounce(bounce: BounceDetails): SuppressionReason | null {
  const said = [bounce.type, bounce.code].filter((s): s is string => !!s).join(' ');
  if (COMPLAINT.test(said)) return 'complaint';
  if (TRANSIENT.test(said) || TRANSIENT.test(bounce.reason ?? '')) return null;
  if (/^4\.\d{1,3}\.\d{1,3}$/.test(bounce.code ?? '') || /^4\d\d\b/.test(bounce.code ?? '')) return null;
  return 'hard_bounce';
}
