import { Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { MASK, SecretBox } from '@sendgate/crypto';
import { EspIntegrationEntity } from '@sendgate/database';
import { FieldError } from '@sendgate/domain';
import { AccessToken, OAuth2Credentials, OAuth2Error, OutboundGuard, checkOutboundUrl, requestToken } from '@sendgate/esp';

export type AuthChange = Pick<EspIntegrationEntity, 'authType' | 'authSettings' | 'authSecrets'>;

/**
 * An integration's authentication as PUT /auth (or PATCH's `auth`) sends it: none, basic, or
 * OAuth2 client credentials, which are checked against the token endpoint before anything is stored.
 */
@Injectable()
export class IntegrationAuthService {
  constructor(
    private readonly box: SecretBox,
    private readonly guard: OutboundGuard,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

  /** The stored form of `body`, or undefined with `errors` naming the fields (under `prefix`, e.g. "auth."). */
  async parse(body: unknown, errors: FieldError[], prefix = ''): Promise<AuthChange | undefined> {
    const b = (body ?? {}) as Record<string, unknown>;
    const before = errors.length;
    const secret = (field: string, value: unknown, max: number) => {
      if (typeof value !== 'string' || !value || value.length > max) errors.push({ field: `${prefix}${field}`, message: `must be a string of 1 to ${max} characters` });
      else if (value === MASK) errors.push({ field: `${prefix}${field}`, message: 'is the mask: send the secret itself' });
    };
    if (b.type === 'none') return { authType: 'none', authSettings: null, authSecrets: null };
    if (b.type === 'basic') {
      if (typeof b.username !== 'string' || !b.username || b.username.length > 200) errors.push({ field: `${prefix}username`, message: 'must be a string of 1 to 200 characters' });
      secret('password', b.password, 500);
      if (errors.length > before) return undefined;
      return { authType: 'basic', authSettings: { username: b.username }, authSecrets: this.box.seal(JSON.stringify({ password: b.password })) };
    }
    if (b.type === 'oauth2') {
      const credentials = await this.oauth2Credentials(b, errors, prefix);
      secret('clientSecret', b.clientSecret, 2000);
      if (errors.length > before) return undefined;
      await this.validateCredentials(credentials, prefix);
      const { clientSecret, ...settings } = credentials;
      return { authType: 'oauth2', authSettings: settings, authSecrets: this.box.seal(JSON.stringify({ clientSecret })) };
    }
    errors.push({ field: `${prefix}type`, message: 'must be one of none, basic, oauth2' });
    return undefined;
  }

  requestToken(credentials: OAuth2Credentials): Promise<AccessToken> {
    return requestToken(credentials, { timeoutMs: this.config.outbound.requestTimeoutMs, guard: this.guard });
  }

  private async oauth2Credentials(b: Record<string, unknown>, errors: FieldError[], prefix: string): Promise<OAuth2Credentials> {
    const text = (field: string, max: number, optional = false) => {
      const value = b[field];
      if (value === undefined && optional) return undefined;
      if (typeof value !== 'string' || !value || value.length > max) errors.push({ field: `${prefix}${field}`, message: `must be a string of 1 to ${max} characters` });
      return value as string;
    };
    const keyName = (field: string, fallback: string) => {
      const value = b[field] ?? fallback;
      if (typeof value !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(value)) errors.push({ field: `${prefix}${field}`, message: 'must be a form field name (letters, digits, _ . -)' });
      return value as string;
    };
    const tokenUrl = text('tokenUrl', 2048);
    if (typeof tokenUrl === 'string' && tokenUrl) {
      const problem = await checkOutboundUrl(tokenUrl, this.guard);
      if (problem) errors.push({ field: `${prefix}tokenUrl`, message: problem });
    }
    const credentialsIn = b.credentialsIn ?? 'body';
    if (credentialsIn !== 'body' && credentialsIn !== 'header') errors.push({ field: `${prefix}credentialsIn`, message: 'must be "body" or "header"' });
    return {
      tokenUrl: tokenUrl as string, clientId: text('clientId', 500) as string, clientSecret: b.clientSecret as string,
      clientIdKey: keyName('clientIdKey', 'client_id'), clientSecretKey: keyName('clientSecretKey', 'client_secret'),
      scope: text('scope', 1000, true), credentialsIn: credentialsIn as 'body' | 'header',
    };
  }

  /** Moving past step 2 asks the token endpoint; its refusal is a 422 with what it said, and nothing is stored. */
  private async validateCredentials(credentials: OAuth2Credentials, prefix: string): Promise<void> {
    try {
      await this.requestToken(credentials);
    } catch (error) {
      if (!(error instanceof OAuth2Error)) throw error;
      throw new UnprocessableEntityException({
        statusCode: 422, error: 'Unprocessable Entity', field: `${prefix}clientSecret`, message: error.message,
        tokenEndpoint: { status: error.status, body: error.body },
      });
    }
  }
}
