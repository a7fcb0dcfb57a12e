import { createHash, randomBytes } from 'node:crypto';

/** API keys look like `sg_<43 url-safe chars>`; only their SHA-256 is stored. */
export function generateApiKey(): string {
  return `sg_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, 10);
}

/** Reads `Authorization: Bearer <key>` or `Authorization: App <key>` (Infobip's scheme). */
export function readApiKey(header: string | undefined): string | undefined {
  const match = /^(Bearer|App)\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[2];
}
