import { Module } from '@nestjs/common';
import { FeedbackOutboxWatch } from './feedback-outbox-watch';
import { MetricsController } from './metrics.controller';

@Module({ controllers: [MetricsController], providers: [FeedbackOutboxWatch] })
export class MetricsModule {}
