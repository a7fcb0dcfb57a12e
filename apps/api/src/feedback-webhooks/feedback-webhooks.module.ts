import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { EspClient, OutboundGuard } from '@sendgate/esp';
import { FeedbackSender } from '@sendgate/feedback';
import { FeedbackWebhooksController } from './feedback-webhooks.controller';
import { FeedbackWebhooksService } from './feedback-webhooks.service';

/** The API's own client for test deliveries: through the process's OutboundGuard, one connection per receiver. */
const FEEDBACK_TEST_CLIENT = Symbol('FEEDBACK_TEST_CLIENT');

@Module({
  controllers: [FeedbackWebhooksController],
  providers: [
    FeedbackWebhooksService,
    {
      provide: FEEDBACK_TEST_CLIENT,
      inject: [OutboundGuard, SENDGATE_CONFIG],
      useFactory: (guard: OutboundGuard, config: SendgateConfig) =>
        new EspClient({ connectionsPerOrigin: 1, timeoutMs: config.outbound.requestTimeoutMs, guard }),
    },
    { provide: FeedbackSender, inject: [FEEDBACK_TEST_CLIENT], useFactory: (client: EspClient) => new FeedbackSender(client) },
  ],
})
export class FeedbackWebhooksModule implements OnApplicationShutdown {
  constructor(@Inject(FEEDBACK_TEST_CLIENT) private readonly client: EspClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
