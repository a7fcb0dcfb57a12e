/**
 * The rules a feedback webhook's settings follow beyond their shape: which headers Sendgate sets
 * itself, which keys sign a JWT, and when a secret sent back as "********" may keep the stored one.
 * A secret never follows the webhook to another origin (scheme, host, port): otherwise whoever may
 * edit the URL could have the stored secrets sent to a host of their choosing.
 */
import { MASK, SecretBox } from '@sendgate/crypto';
import { FeedbackWebhookEntity, StoredFeedbackHeader } from '@sendgate/database';
import { FieldError, assertNever } from '@sendgate/domain';
import { sealHeaders } from '@sendgate/esp';
import { DEFAULT_JWT_LIFETIME_SECONDS, FeedbackSigner } from '@sendgate/feedback';
import { FeedbackHeaderDto } from './dto/create-feedback-webhook.dto';
import { FeedbackWebhookAuth } from './dto/feedback-webhook-auth.dto';

/** Set by Sendgate or by the HTTP connection itself (hop-by-hop); `authorization` too when the webhook signs a JWT. */
const RESERVED_HEADERS = [
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-authorization',
  'proxy-connection',
];
const RESEND = 'send the secret again: it does not follow the webhook to a new host';

export type StoredAuth = Pick<FeedbackWebhookEntity, 'authType' | 'authSettings' | 'authSecret'>;

export class FeedbackWebhookSettings {
  constructor(
    private readonly box: SecretBox,
    private readonly signer = new FeedbackSigner(),
  ) {}

  /** The auth to store; a masked secret keeps `current`'s when the algorithm and the origin are unchanged. */
  async auth(auth: FeedbackWebhookAuth, current: StoredAuth | undefined, moved: boolean, errors: FieldError[]): Promise<StoredAuth> {
    switch (auth.type) {
      case 'none':
        return { authType: 'none', authSettings: null, authSecret: null };
      case 'jwt': {
        const field = auth.algorithm === 'HS256' ? 'secret' : 'privateKey';
        const unused = field === 'secret' ? 'privateKey' : 'secret';
        if (auth[unused] !== undefined)
          errors.push({ field: `auth.${unused}`, message: `is not used with ${auth.algorithm}; send ${field}` });
        const settings = {
          algorithm: auth.algorithm,
          ...(auth.issuer !== undefined ? { issuer: auth.issuer } : {}),
          ...(auth.audience !== undefined ? { audience: auth.audience } : {}),
          expiresInSeconds: auth.expiresInSeconds ?? DEFAULT_JWT_LIFETIME_SECONDS,
        };
        const value = auth[field] ?? '';
        if (value === MASK) {
          const kept = current?.authType === 'jwt' && current.authSettings?.algorithm === auth.algorithm ? current.authSecret : null;
          if (moved) errors.push({ field: `auth.${field}`, message: RESEND });
          else if (!kept)
            errors.push({ field: `auth.${field}`, message: `is the mask, and no stored ${auth.algorithm} key is there to keep: send it` });
          return { authType: 'jwt', authSettings: settings, authSecret: kept };
        }
        const problem = await this.signer.check(auth.algorithm, value);
        if (problem) errors.push({ field: `auth.${field}`, message: problem });
        return { authType: 'jwt', authSettings: settings, authSecret: problem ? null : this.box.seal(value) };
      }
      default:
        return assertNever(auth);
    }
  }

  /** The headers to store, secret values sealed; a masked value keeps the stored one of the same name while the origin stays. */
  headers(
    headers: FeedbackHeaderDto[],
    authType: string,
    previous: StoredFeedbackHeader[],
    moved: boolean,
    errors: FieldError[],
  ): StoredFeedbackHeader[] {
    const seen = new Set<string>();
    headers.forEach((header, i) => {
      const key = header.key.toLowerCase();
      const problem = this.reserved(key, authType);
      if (problem) errors.push({ field: `headers[${i}].key`, message: problem });
      if (seen.has(key)) errors.push({ field: `headers[${i}].key`, message: `${header.key} appears twice` });
      seen.add(key);
      if (!header.secret || header.value !== MASK) return;
      if (moved) errors.push({ field: `headers[${i}].value`, message: RESEND });
      else if (!previous.some((p) => p.secret && p.key.toLowerCase() === key))
        errors.push({
          field: `headers[${i}].value`,
          message: 'is the mask, and no stored secret of this header is there to keep: send it',
        });
    });
    return sealHeaders(
      headers.map((h) => ({ key: h.key, value: h.value, secret: h.secret ?? false })),
      this.box,
      previous,
    );
  }

  /** Stored headers that a change of auth (to JWT) would now clash with. */
  storedHeaderProblems(stored: StoredFeedbackHeader[], authType: string): FieldError[] {
    return stored.flatMap((h) => {
      const problem = this.reserved(h.key.toLowerCase(), authType);
      return problem ? [{ field: 'headers', message: `${problem}: send the headers without ${h.key}` }] : [];
    });
  }

  /** What a move to another origin leaves behind: secrets that are not sent again. */
  leftBehind(current: FeedbackWebhookEntity, headersSent: boolean, authSent: boolean): FieldError[] {
    const errors: FieldError[] = [];
    if (!headersSent && (current.headers ?? []).some((h) => h.secret)) {
      errors.push({ field: 'headers', message: `${RESEND} (send the headers with every secret value, or without the secret headers)` });
    }
    if (!authSent && current.authType === 'jwt') {
      errors.push({ field: 'auth', message: `${RESEND} (send the auth with its secret or private key, or {"type": "none"})` });
    }
    return errors;
  }

  private reserved(key: string, authType: string): string | undefined {
    if (RESERVED_HEADERS.includes(key)) return `${key} is set by Sendgate or the connection`;
    if (key === 'authorization' && authType === 'jwt') return 'authorization carries the JWT of this webhook';
    return undefined;
  }
}
