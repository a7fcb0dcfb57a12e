/**
 * The one-click unsubscribe link of a message, `<publicBaseUrl>/u/<token>`: the token names the
 * message and its account, signed under a key derived for this purpose alone (a gate or callback
 * token is never an unsubscribe token, nor the other way round). A link lives 400 days: long enough
 * for an old newsletter in a mailbox, short enough that a leaked one stops working; after that the
 * answer is 410 and the recipient unsubscribes from a newer message.
 */
import { TokenSigner } from './signed-token';

export const UNSUBSCRIBE_LINK_DAYS = 400;
/** Tokens are about 130 characters; a longer path segment is refused before anything is verified. */
export const MAX_UNSUBSCRIBE_TOKEN = 512;

interface UnsubscribeClaims {
  /** The message id. */
  m: number;
  /** Its account. */
  a: string;
  exp: number;
}

export type UnsubscribeCheck = { ok: true; messageId: number; accountId: string } | { ok: false; reason: 'invalid' | 'expired' };

export class UnsubscribeLinks {
  private readonly signer: TokenSigner;
  private readonly lifetimeSeconds = UNSUBSCRIBE_LINK_DAYS * 24 * 3600;

  constructor(
    signer: TokenSigner,
    private readonly baseUrl: string,
  ) {
    this.signer = signer.derive('unsubscribe');
  }

  /** The link of one message, valid for UNSUBSCRIBE_LINK_DAYS from `nowMs`. */
  url(accountId: string, messageId: number, nowMs = Date.now()): string {
    const claims: UnsubscribeClaims = { m: messageId, a: accountId, exp: Math.ceil(nowMs / 1000) + this.lifetimeSeconds };
    return `${this.baseUrl}/u/${this.signer.sign(claims)}`;
  }

  /** The message and account a token names, or why it names none. */
  check(token: string, nowMs = Date.now()): UnsubscribeCheck {
    if (token.length > MAX_UNSUBSCRIBE_TOKEN) return { ok: false, reason: 'invalid' };
    const result = this.signer.verify<UnsubscribeClaims>(token, nowMs);
    if (!result.ok) return { ok: false, reason: result.reason };
    const { m, a } = result.claims;
    if (!Number.isSafeInteger(m) || m <= 0 || typeof a !== 'string') return { ok: false, reason: 'invalid' };
    return { ok: true, messageId: m, accountId: a };
  }
}
