/**
 * Signed, expiring tokens for the gate URIs handed to integrators: `<payload>.<signature>`, both
 * base64url, the signature an HMAC-SHA256 of the payload. The token is the credential: it names
 * what it may act on and until when.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenCheck<T> = { ok: true; claims: T } | { ok: false; reason: 'invalid' | 'expired'; claims?: T };

export class TokenSigner {
  constructor(private readonly key: string) {
    if (key.length < 32) throw new Error('the signing key must be at least 32 characters');
  }

  /** `claims.exp` is the expiry in epoch seconds. */
  sign<T extends { exp: number }>(claims: T): string {
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  verify<T extends { exp: number }>(token: string, nowMs = Date.now()): TokenCheck<T> {
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'invalid' };
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
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
    return new TokenSigner(createHmac('sha256', this.key).update(`sendgate token purpose: ${purpose}`).digest('base64url'));
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
