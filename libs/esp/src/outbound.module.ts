import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { OutboundGuard } from './outbound-connect';

/** One OutboundGuard per process: every outbound client connects through it. */
@Global()
@Module({
  providers: [
    { provide: OutboundGuard, inject: [SENDGATE_CONFIG], useFactory: (config: SendgateConfig) => new OutboundGuard(config.outbound) },
  ],
  exports: [OutboundGuard],
})
export class OutboundModule implements OnApplicationShutdown {
  constructor(@Inject(OutboundGuard) private readonly guard: OutboundGuard) {}

  onApplicationShutdown(): void {
    this.guard.destroy();
  }
}
