/**
 * OAuth2 client credentials for ESP integrations: token requests, and a cache that serves one
 * token per integration until shortly before it expires, with one request in flight however many
 * sends ask at once.
 */
import axios from 'axios';
import { OutboundGuard } from './outbound-connect';

export interface OAuth2Settings {
  tokenUrl: string;
  clientId: string;
  /** The form field names for the id and secret, when the token endpoint renames them. */
  clientIdKey: string;
  clientSecretKey: string;
  scope?: string;
  /** Credentials in the form body, or as HTTP Basic in the Authorization header. */
  credentialsIn: 'body' | 'header';
}

export interface OAuth2Credentials extends OAuth2Settings {
  clientSecret: string;
}

export interface AccessToken {
  value: string;
  expiresAt: number;
  lifetimeMs: number;
}

export class OAuth2Error extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly body?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface TokenRequestOptions {
  timeoutMs: number;
  guard: OutboundGuard;
}

const DEFAULT_TTL_S = 3_600;

export async function requestToken(c: OAuth2Credentials, options: TokenRequestOptions, now = Date.now()): Promise<AccessToken> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (c.scope) form.set('scope', c.scope);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (c.credentialsIn === 'header') {
    const pair = `${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.set(c.clientIdKey, c.clientId);
    form.set(c.clientSecretKey, c.clientSecret);
  }
  let response;
  try {
    response = await axios.post(c.tokenUrl, form.toString(), {
      ...options.guard.axiosAgents,
      headers,
      timeout: options.timeoutMs,
      validateStatus: () => true,
      maxRedirects: 0,
    });
  } catch (error) {
    throw new OAuth2Error(`the token endpoint could not be reached: ${(error as Error).message}`, undefined, undefined, { cause: error });
  }
  const body = response.data as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
  if (response.status !== 200 || typeof body?.access_token !== 'string') {
    const reason =
      typeof body?.error === 'string'
        ? `${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}`
        : `HTTP ${response.status}`;
    throw new OAuth2Error(`the token endpoint refused the credentials (${reason})`, response.status, body);
  }
  const ttl = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TTL_S;
  return { value: body.access_token, expiresAt: now + ttl * 1000, lifetimeMs: ttl * 1000 };
}

export class TokenCache {
  private readonly tokens = new Map<string, AccessToken>();
  private readonly pending = new Map<string, Promise<AccessToken>>();

  constructor(
    private readonly options: TokenRequestOptions,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A live token for `key` (an integration and its credentials), fetched once when needed. */
  async get(key: string, credentials: OAuth2Credentials): Promise<string> {
    const cached = this.tokens.get(key);
    if (cached && !this.expiringSoon(cached)) return cached.value;
    return (await this.fetch(key, credentials)).value;
  }

  /** After the ESP refused `stale` with a 401: a new token, unless another send already got one. */
  async refresh(key: string, credentials: OAuth2Credentials, stale: string): Promise<string> {
    const cached = this.tokens.get(key);
    if (cached && cached.value !== stale && !this.expiringSoon(cached)) return cached.value;
    this.tokens.delete(key);
    return (await this.fetch(key, credentials)).value;
  }

  private fetch(key: string, credentials: OAuth2Credentials): Promise<AccessToken> {
    let pending = this.pending.get(key);
    if (!pending) {
      pending = requestToken(credentials, this.options, this.clock())
        .then((token) => {
          if (this.tokens.size > 1_000) this.tokens.clear();
          this.tokens.set(key, token);
          return token;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  /**
   * Renew within the last 30 s of a token's life, or after half of it for short-lived tokens:
   * servers count expiry in whole seconds and sends take time to arrive, so a thin margin is not enough.
   */
  private expiringSoon(token: AccessToken): boolean {
    return token.expiresAt - this.clock() < Math.min(30_000, token.lifetimeMs / 2);
  }
}
