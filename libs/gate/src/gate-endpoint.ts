/**
 * The account's gate endpoint: where gate webhooks go. Settings are stored in clear, secrets
 * (password, header value, SQS secret key) sealed; every view of an endpoint masks them.
 */
import { MASK, SecretBox } from '@sendgate/crypto';

export type HttpAuth =
  { type: 'none' } | { type: 'basic'; username: string; password: string } | { type: 'header'; name: string; value: string };

export type GateEndpoint =
  | { transport: 'http'; url: string; auth: HttpAuth }
  | { transport: 'sqs'; queueUrl: string; region: string; accessKeyId: string; secretAccessKey: string; endpoint?: string };

export interface StoredEndpoint {
  transport: 'http' | 'sqs';
  settings: Record<string, any>;
  secrets: string | null;
}

/** Splits an endpoint into stored settings and one sealed secrets blob. */
export function sealEndpoint(endpoint: GateEndpoint, box: SecretBox): StoredEndpoint {
  switch (endpoint.transport) {
    case 'http': {
      const { auth } = endpoint;
      switch (auth.type) {
        case 'none':
          return { transport: 'http', settings: { url: endpoint.url, auth: { type: 'none' } }, secrets: null };
        case 'basic':
          return {
            transport: 'http',
            settings: { url: endpoint.url, auth: { type: 'basic', username: auth.username } },
            secrets: box.seal(JSON.stringify({ password: auth.password })),
          };
        case 'header':
          return {
            transport: 'http',
            settings: { url: endpoint.url, auth: { type: 'header', name: auth.name } },
            secrets: box.seal(JSON.stringify({ value: auth.value })),
          };
      }
      break;
    }
    case 'sqs': {
      const { secretAccessKey, transport, ...settings } = endpoint;
      return { transport, settings, secrets: box.seal(JSON.stringify({ secretAccessKey })) };
    }
  }
  throw new Error('unknown gate endpoint');
}

/** The endpoint with its secrets opened: only for sending, never for a response or a log. */
export function openEndpoint(stored: StoredEndpoint, box: SecretBox): GateEndpoint {
  const secrets = stored.secrets ? JSON.parse(box.open(stored.secrets)) : {};
  if (stored.transport === 'sqs') return { ...(stored.settings as any), ...secrets, transport: 'sqs' };
  const settings = stored.settings as { url: string; auth: { type: string; username?: string; name?: string } };
  return { transport: 'http', url: settings.url, auth: { ...settings.auth, ...secrets } as HttpAuth };
}

/** An endpoint as an API answer shows it: every secret is "********". */
export type MaskedEndpoint =
  | {
      transport: 'http';
      url: string;
      auth: { type: HttpAuth['type']; username?: string; password?: string; name?: string; value?: string };
    }
  | { transport: 'sqs'; queueUrl: string; region: string; accessKeyId: string; secretAccessKey: string; endpoint?: string };

/** What an API response may show. */
export function maskEndpoint(stored: StoredEndpoint): MaskedEndpoint {
  if (stored.transport === 'sqs')
    return { transport: 'sqs', ...(stored.settings as { queueUrl: string; region: string; accessKeyId: string }), secretAccessKey: MASK };
  const settings = stored.settings as { url: string; auth: { type: HttpAuth['type'] } };
  const auth =
    settings.auth.type === 'basic'
      ? { ...settings.auth, password: MASK }
      : settings.auth.type === 'header'
        ? { ...settings.auth, value: MASK }
        : settings.auth;
  return { transport: 'http', url: settings.url, auth };
}
