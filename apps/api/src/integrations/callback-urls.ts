import { Inject, Injectable } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { TokenSigner } from '@sendgate/crypto';

/** The claims of a callback token: what it is for, the integration, and the integration's token version. */
interface CallbackClaims {
  p: 'esp-callback';
  i: string;
  v: number;
  exp: number;
}

/** The URL does not expire (an ESP keeps it in its settings); rotating the version revokes it. */
const NEVER = 253_402_300_799; // 9999-12-31T23:59:59Z

/**
 * An integration's delivery callback URL, `<publicBaseUrl>/hooks/esp/<token>`: the token is signed
 * like the gate URIs (HMAC with the signing key) and names the integration and its
 * callback_token_version, so bumping the version turns every URL handed out before into a 401.
 */
@Injectable()
export class CallbackUrls {
  constructor(
    private readonly signer: TokenSigner,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

  url(integrationId: string, version: number): string {
    const claims: CallbackClaims = { p: 'esp-callback', i: integrationId, v: version, exp: NEVER };
    return `${this.config.api.publicBaseUrl}/hooks/esp/${this.signer.sign(claims)}`;
  }

  /** The integration and version a token names, or undefined when it is not a callback token signed here. */
  check(token: string): { integrationId: string; version: number } | undefined {
    const result = this.signer.verify<CallbackClaims>(token);
    if (!result.ok) return undefined;
    const { p, i, v } = result.claims;
    if (p !== 'esp-callback' || typeof i !== 'string' || !Number.isInteger(v)) return undefined;
    return { integrationId: i, version: v };
  }
}
