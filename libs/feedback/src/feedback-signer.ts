/**
 * Signs feedback requests for receivers that asked for JWT authentication: `Authorization:
 * Bearer <jwt>` whose claims carry `iat`, `exp`, `jti` (the event's requestId, the same on every
 * retry; for an array of events, the batch's id: see batchRequestId) and `body_sha256` (hex
 * SHA-256 of the exact body sent), so a receiver checks both who sent the request and that the
 * body is the one signed.
 */
import { createHash, createSecretKey, KeyObject } from 'node:crypto';
import { KeyLike, SignJWT, importPKCS8 } from 'jose';

export type FeedbackJwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

export interface FeedbackJwtAuth {
  type: 'jwt';
  algorithm: FeedbackJwtAlgorithm;
  /** The shared secret (HS256) or the PKCS#8 PEM private key (RS256, ES256). */
  key: string;
  issuer?: string;
  audience?: string;
  expiresInSeconds?: number;
}

export const DEFAULT_JWT_LIFETIME_SECONDS = 300;
const MAX_CACHED_KEYS = 1_000;

export class FeedbackSigner {
  /** Imported keys by algorithm and key text: importing a PEM costs more than signing with it. */
  private readonly keys = new Map<string, Promise<KeyLike | KeyObject>>();

  async authorization(auth: FeedbackJwtAuth, requestId: string, body: string, nowMs = Date.now()): Promise<string> {
    const iat = Math.floor(nowMs / 1000);
    let jwt = new SignJWT({ body_sha256: createHash('sha256').update(body).digest('hex') })
      .setProtectedHeader({ alg: auth.algorithm, typ: 'JWT' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + (auth.expiresInSeconds ?? DEFAULT_JWT_LIFETIME_SECONDS))
      .setJti(requestId);
    if (auth.issuer) jwt = jwt.setIssuer(auth.issuer);
    if (auth.audience) jwt = jwt.setAudience(auth.audience);
    return `Bearer ${await jwt.sign(await this.key(auth))}`;
  }

  /** Whether `key` is usable for `algorithm`: the API checks it before storing a webhook. */
  async check(algorithm: FeedbackJwtAlgorithm, key: string): Promise<string | undefined> {
    try {
      await new FeedbackSigner().authorization({ type: 'jwt', algorithm, key }, 'check', '');
      return undefined;
    } catch (error) {
      return algorithm === 'HS256'
        ? (error as Error).message
        : `not a PKCS#8 PEM ${algorithm === 'RS256' ? 'RSA' : 'P-256 EC'} private key`;
    }
  }

  private key(auth: FeedbackJwtAuth): Promise<KeyLike | KeyObject> {
    const cacheKey = `${auth.algorithm}\n${auth.key}`;
    let key = this.keys.get(cacheKey);
    if (!key) {
      key =
        auth.algorithm === 'HS256'
          ? Promise.resolve(createSecretKey(Buffer.from(auth.key, 'utf8')))
          : importPKCS8(auth.key, auth.algorithm);
      key.catch(() => this.keys.delete(cacheKey));
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
      this.keys.set(cacheKey, key);
    }
    return key;
  }
}
