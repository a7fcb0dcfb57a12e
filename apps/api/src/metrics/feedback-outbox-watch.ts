import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { FeedbackDeliveriesRepository } from '@sendgate/database';
import { metrics } from '@sendgate/metrics';

/** The feedback outbox gauges, read from the database when Prometheus scrapes the API. */
@Injectable()
export class FeedbackOutboxWatch implements OnModuleInit, OnModuleDestroy {
  private stop?: () => void;

  constructor(private readonly deliveries: FeedbackDeliveriesRepository) {}

  onModuleInit(): void {
    const logger = new Logger('Metrics');
    this.stop = metrics.watchFeedbackOutbox(
      () => this.deliveries.outboxState(),
      (error) => logger.warn(`feedback outbox gauges left out of this scrape: ${error.message}`),
    );
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}
