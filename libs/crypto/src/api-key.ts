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

/**
 * Reads the key from `Authorization: Bearer <key>`, `App <key>` (Infobip's scheme) or
 * `Basic base64(<user>:<key>)` (Infobip's clients send the key as the password; the user is not read).
 */
export function readApiKey(header: string | undefined): string | undefined {
  const match = /^(Bearer|App|Basic)\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  if (match[1].toLowerCase() !== 'basic') return match[2];
  const decoded = Buffer.from(match[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
}
