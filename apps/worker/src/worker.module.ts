import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigModule, SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { CryptoModule } from '@sendgate/crypto';
import { DatabaseModule } from '@sendgate/database';
import { EspClient, OutboundGuard, OutboundModule, TokenCache } from '@sendgate/esp';
import { GateModule } from '@sendgate/gate';
import { activitiesProvider, FEEDBACK_ESP_CLIENT, SENDOUT_ACTIVITIES, WORKER_STOPPING } from './activities.provider';

@Module({
  imports: [DatabaseModule, CryptoModule, OutboundModule, GateModule],
  providers: [
    {
      provide: EspClient,
      inject: [SENDGATE_CONFIG, OutboundGuard],
      // One connection for every request a sendout's window has in flight: fewer, and its POSTs queue for a socket.
      useFactory: (config: SendgateConfig, guard: OutboundGuard) =>
        new EspClient({
          connectionsPerOrigin: config.sendout.sendConcurrency * config.sendout.sendWindow,
          timeoutMs: config.outbound.requestTimeoutMs,
          guard,
        }),
    },
    {
      provide: FEEDBACK_ESP_CLIENT,
      inject: [SENDGATE_CONFIG, OutboundGuard],
      useFactory: (config: SendgateConfig, guard: OutboundGuard) =>
        new EspClient({
          connectionsPerOrigin: config.feedback.receiverConcurrency,
          timeoutMs: config.outbound.requestTimeoutMs,
          guard,
        }),
    },
    {
      provide: TokenCache,
      inject: [SENDGATE_CONFIG, OutboundGuard],
      useFactory: (config: SendgateConfig, guard: OutboundGuard) => new TokenCache({ timeoutMs: config.outbound.requestTimeoutMs, guard }),
    },
    activitiesProvider,
  ],
  exports: [SENDOUT_ACTIVITIES],
})
export class WorkerModule implements OnApplicationShutdown {
  /** `stopping` aborts when the worker process begins to shut down (see main.ts). */
  static forRoot(config: SendgateConfig, stopping: AbortSignal): DynamicModule {
    return { module: WorkerModule, imports: [ConfigModule.forRoot(config)], providers: [{ provide: WORKER_STOPPING, useValue: stopping }] };
  }

  constructor(
    @Inject(EspClient) private readonly esp: EspClient,
    @Inject(FEEDBACK_ESP_CLIENT) private readonly feedbackEsp: EspClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.esp.close(), this.feedbackEsp.close()]);
  }
}
