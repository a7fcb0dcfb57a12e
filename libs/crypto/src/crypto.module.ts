import { Global, Module } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { SecretBox } from './secret-box';
import { TokenSigner } from './signed-token';
import { UnsubscribeLinks } from './unsubscribe-links';

/** Secret sealing and URI signing (gate URIs, unsubscribe links) from the configured keys; a process without them fails at start. */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [SENDGATE_CONFIG],
      useFactory: ({ security }: SendgateConfig) => {
        if (!security.activeEncryptionKeyId) {
          throw new Error('SENDGATE_ENCRYPTION_KEYS is not set: secrets cannot be stored (make start generates one in data/)');
        }
        return new SecretBox(security.encryptionKeys, security.activeEncryptionKeyId);
      },
    },
    {
      provide: TokenSigner,
      inject: [SENDGATE_CONFIG],
      useFactory: ({ security }: SendgateConfig) => {
        if (!security.signingKey)
          throw new Error('SENDGATE_SIGNING_KEY is not set: gate URIs cannot be signed (make start generates one in data/)');
        return new TokenSigner(security.signingKey, security.previousSigningKeys);
      },
    },
    {
      provide: UnsubscribeLinks,
      inject: [TokenSigner, SENDGATE_CONFIG],
      useFactory: (signer: TokenSigner, { api }: SendgateConfig) => new UnsubscribeLinks(signer, api.publicBaseUrl),
    },
  ],
  exports: [SecretBox, TokenSigner, UnsubscribeLinks],
})
export class CryptoModule {}
