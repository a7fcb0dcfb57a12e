import { Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { MASK, SecretBox } from '@sendgate/crypto';
import { EspIntegrationEntity } from '@sendgate/database';
import { FieldError, assertNever } from '@sendgate/domain';
import { AccessToken, OAuth2Credentials, OAuth2Error, OutboundGuard, checkOutboundUrl, requestToken } from '@sendgate/esp';
import { IntegrationAuth, OAuth2AuthDto } from './dto/integration-auth.dto';

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

  /**
   * The stored form of `auth` (its shape already validated), or undefined with `errors` naming the
   * fields (under `prefix`, e.g. "auth."): what needs the network or the rule against masks is here.
   */
  async parse(auth: IntegrationAuth, errors: FieldError[], prefix = ''): Promise<AuthChange | undefined> {
    const before = errors.length;
    const notMask = (field: string, value: string) => {
      if (value === MASK) errors.push({ field: `${prefix}${field}`, message: 'is the mask: send the secret itself' });
    };
    switch (auth.type) {
      case 'none':
        return { authType: 'none', authSettings: null, authSecrets: null };
      case 'basic':
        notMask('password', auth.password);
        if (errors.length > before) return undefined;
        return {
          authType: 'basic',
          authSettings: { username: auth.username },
          authSecrets: this.box.seal(JSON.stringify({ password: auth.password })),
        };
      case 'oauth2': {
        const problem = await checkOutboundUrl(auth.tokenUrl, this.guard);
        if (problem) errors.push({ field: `${prefix}tokenUrl`, message: problem });
        notMask('clientSecret', auth.clientSecret);
        if (errors.length > before) return undefined;
        const credentials = oauth2Credentials(auth);
        await this.validateCredentials(credentials, prefix);
        const { clientSecret, ...settings } = credentials;
        return { authType: 'oauth2', authSettings: settings, authSecrets: this.box.seal(JSON.stringify({ clientSecret })) };
      }
      default:
        return assertNever(auth);
    }
  }

  requestToken(credentials: OAuth2Credentials): Promise<AccessToken> {
    return requestToken(credentials, { timeoutMs: this.config.outbound.requestTimeoutMs, guard: this.guard });
  }

  /** Moving past step 2 asks the token endpoint; its refusal is a 422 with what it said, and nothing is stored. */
  private async validateCredentials(credentials: OAuth2Credentials, prefix: string): Promise<void> {
    try {
      await this.requestToken(credentials);
    } catch (error) {
      if (!(error instanceof OAuth2Error)) throw error;
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        field: `${prefix}clientSecret`,
        message: error.message,
        tokenEndpoint: { status: error.status, body: error.body },
      });
    }
  }
}

function oauth2Credentials(auth: OAuth2AuthDto): OAuth2Credentials {
  return {
    tokenUrl: auth.tokenUrl,
    clientId: auth.clientId,
    clientSecret: auth.clientSecret,
    clientIdKey: auth.clientIdKey ?? 'client_id',
    clientSecretKey: auth.clientSecretKey ?? 'client_secret',
    scope: auth.scope,
    credentialsIn: auth.credentialsIn ?? 'body',
  };
}
