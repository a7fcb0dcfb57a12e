/**
 * Secrets at rest: AES-256-GCM under a named key, so keys can rotate. A sealed value reads
 * `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts); opening picks the key by its id.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
export const MASK = '********';

export class SecretBox {
  private readonly keys: Map<string, Buffer>;

  constructor(
    keys: Record<string, Buffer>,
    private readonly activeKeyId: string,
  ) {
    this.keys = new Map(Object.entries(keys));
    for (const [id, key] of this.keys) {
      if (key.length !== 32) throw new Error(`encryption key "${id}" must be 32 bytes (got ${key.length})`);
    }
    if (!this.keys.has(activeKeyId)) throw new Error(`the active encryption key "${activeKeyId}" is not among the configured keys`);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.activeKeyId)!, iv);
    cipher.setAAD(Buffer.from(this.activeKeyId));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      VERSION,
      this.activeKeyId,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  open(sealed: string): string {
    const [version, keyId, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || body === undefined) throw new Error('not a sealed secret');
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`no encryption key "${keyId}" is configured to open this secret`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** True when the value is sealed under another key than the active one (rotation pending). */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.activeKeyId;
  }
}
