import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { TokenSigner } from '@sendgate/crypto';
import { OutboundGuard } from '@sendgate/esp';
import { GateNotifier } from './gate-notifier';
import { GateUris } from './gate-uris';

@Global()
@Module({
  providers: [
    {
      provide: GateUris,
      inject: [TokenSigner, SENDGATE_CONFIG],
      useFactory: (signer: TokenSigner, config: SendgateConfig) =>
        new GateUris(signer, config.api.publicBaseUrl, config.security.gateUriGraceMs),
    },
    {
      provide: GateNotifier,
      inject: [SENDGATE_CONFIG, OutboundGuard],
      useFactory: (config: SendgateConfig, guard: OutboundGuard) => new GateNotifier(config.outbound.requestTimeoutMs, guard),
    },
  ],
  exports: [GateUris, GateNotifier],
})
export class GateModule implements OnApplicationShutdown {
  constructor(@Inject(GateNotifier) private readonly notifier: GateNotifier) {}

  onApplicationShutdown(): void {
    this.notifier.close();
  }
}
