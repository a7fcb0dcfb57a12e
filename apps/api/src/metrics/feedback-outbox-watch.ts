import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { FeedbackDeliveriesRepository } from '@sendgate/database';
import { metrics } from '@sendgate/metrics';

/** The feedback outbox gauges, read from the database when Prometheus scrapes the API. */
@Injectable()
export class FeedbackOutboxWatch implements OnModuleInit, OnModuleDestroy {
  private stop?: () => void;

  constructor(private readonly deliveries: FeedbackDeliveriesRepository) {}

  onModuleInit(): void {
    this.stop = metrics.watchFeedbackOutbox(() => this.deliveries.outboxState());
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}
