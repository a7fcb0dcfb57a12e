/** Sealing and opening an integration's secret header values and credentials. */
import { MASK, SecretBox } from '@sendgate/crypto';
import { HeaderSpec, IntegrationAuth } from './integration-request';
import { OAuth2Settings } from './oauth2';

export interface StoredHeaderLike {
  key: string;
  secret: boolean;
  value: string;
}

/** Seals the secret values; a secret sent back as the mask keeps the value stored before. */
export function sealHeaders(headers: HeaderSpec[], box: SecretBox, previous: StoredHeaderLike[] = []): StoredHeaderLike[] {
  return headers.map((header) => {
    if (!header.secret) return { key: header.key, secret: false, value: header.value };
    const kept = header.value === MASK ? previous.find((p) => p.secret && p.key.toLowerCase() === header.key.toLowerCase()) : undefined;
    return { key: header.key, secret: true, value: kept ? kept.value : box.seal(header.value) };
  });
}

export function openHeaders(stored: StoredHeaderLike[] | null, box: SecretBox): HeaderSpec[] {
  return (stored ?? []).map((h) => ({ key: h.key, secret: h.secret, value: h.secret ? box.open(h.value) : h.value }));
}

export function maskHeaders(stored: StoredHeaderLike[] | null): HeaderSpec[] {
  return (stored ?? []).map((h) => ({ key: h.key, secret: h.secret, value: h.secret ? MASK : h.value }));
}

export function openAuth(type: string, settings: Record<string, any> | null, sealed: string | null, box: SecretBox): IntegrationAuth {
  if (type === 'basic') return { type: 'basic', username: settings?.username, password: JSON.parse(box.open(sealed!)).password };
  if (type === 'oauth2')
    return { type: 'oauth2', ...(settings as OAuth2Settings), clientSecret: JSON.parse(box.open(sealed!)).clientSecret };
  return { type: 'none' };
}
