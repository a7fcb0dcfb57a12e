import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigModule, SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { CryptoModule } from '@sendgate/crypto';
import { DatabaseModule } from '@sendgate/database';
import { EspClient, TokenCache } from '@sendgate/esp';
import { GateModule } from '@sendgate/gate';
import { activitiesProvider, SENDOUT_ACTIVITIES } from './activities.provider';

@Module({
  imports: [DatabaseModule, CryptoModule, GateModule],
  providers: [
    {
      provide: EspClient,
      inject: [SENDGATE_CONFIG],
      useFactory: (config: SendgateConfig) =>
        new EspClient({ connectionsPerOrigin: config.sendout.sendConcurrency * 2, timeoutMs: config.outbound.requestTimeoutMs }),
    },
    { provide: TokenCache, inject: [SENDGATE_CONFIG], useFactory: (config: SendgateConfig) => new TokenCache(config.outbound.requestTimeoutMs) },
    activitiesProvider,
  ],
  exports: [SENDOUT_ACTIVITIES],
})
export class WorkerModule implements OnApplicationShutdown {
  static forRoot(config?: SendgateConfig): DynamicModule {
    return { module: WorkerModule, imports: [ConfigModule.forRoot(config)] };
  }

  constructor(@Inject(EspClient) private readonly esp: EspClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.esp.close();
  }
}
