/**
 * Signed, expiring tokens (gate URIs, callback URLs, unsubscribe links): `<payload>.<signature>`, both
 * base64url, the signature an HMAC-SHA256 of the payload. The token is the credential: it names
 * what it may act on and until when.
 *
 * Keys rotate without breaking what was handed out: tokens are signed with the current key, and
 * those signed with a previous key still verify (until they expire) for as long as that key is
 * listed. The current key is tried first, so a valid token costs one HMAC.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenCheck<T> = { ok: true; claims: T } | { ok: false; reason: 'invalid' | 'expired'; claims?: T };

export class TokenSigner {
  /** `previous`: keys this one replaced, newest first; they verify tokens and sign none. */
  constructor(
    private readonly key: string,
    private readonly previous: readonly string[] = [],
  ) {
    if ([key, ...previous].some((k) => k.length < 32)) throw new Error('the signing key must be at least 32 characters');
  }

  /** `claims.exp` is the expiry in epoch seconds. */
  sign<T extends { exp: number }>(claims: T): string {
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${payload}.${mac(this.key, payload)}`;
  }

  verify<T extends { exp: number }>(token: string, nowMs = Date.now()): TokenCheck<T> {
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'invalid' };
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const signedBy = (key: string) => {
      const expected = Buffer.from(mac(key, payload), 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
    if (!signedBy(this.key) && !this.previous.some(signedBy)) return { ok: false, reason: 'invalid' };
    let claims: T;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (typeof claims?.exp !== 'number') return { ok: false, reason: 'invalid' };
    if (claims.exp * 1000 <= nowMs) return { ok: false, reason: 'expired', claims };
    return { ok: true, claims };
  }

  /**
   * A signer for another kind of token, under a key derived from this one for `purpose`: its tokens
   * and this signer's never verify as each other's, whatever their claims say.
   */
  derive(purpose: string): TokenSigner {
    const derived = (key: string) => mac(key, `sendgate token purpose: ${purpose}`);
    return new TokenSigner(derived(this.key), this.previous.map(derived));
  }
}

function mac(key: string, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}
