import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ConfigModule, SendgateConfig } from '@sendgate/config';
import { CryptoModule } from '@sendgate/crypto';
import { DatabaseModule } from '@sendgate/database';
import { OutboundModule } from '@sendgate/esp';
import { GateModule } from '@sendgate/gate';
import { Logger } from '@sendgate/logging';
import { TemporalClientModule } from '@sendgate/temporal';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { ApiKeyGuard } from './auth/auth.guard';
import { BootstrapService } from './auth/bootstrap.service';
import { CampaignsModule } from './campaigns/campaigns.module';
import { ContactsModule } from './contacts/contacts.module';
import { EmailModule } from './email/email.module';
import { FeedbackWebhooksModule } from './feedback-webhooks/feedback-webhooks.module';
import { HealthModule } from './health/health.module';
import { HooksModule } from './hooks/hooks.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { JourneysModule } from './journeys/journeys.module';
import { requestLogging } from './common/request-logging';
import { MetricsModule } from './metrics/metrics.module';
import { ProjectsModule } from './projects/projects.module';
import { SandboxModule } from './sandbox/sandbox.module';
import { SendGateModule } from './send-gate/send-gate.module';
import { SegmentsModule } from './segments/segments.module';
import { SendoutsModule } from './sendouts/sendouts.module';
import { SuppressionsModule } from './suppressions/suppressions.module';
import { UnsubscribeModule } from './unsubscribe/unsubscribe.module';

@Module({})
export class AppModule {
  /** `logger`: the process's pino logger, for the request lines and behind Nest's Logger. */
  static forRoot(config: SendgateConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        requestLogging(logger),
        DatabaseModule,
        TemporalClientModule,
        CryptoModule,
        OutboundModule,
        GateModule,
        HealthModule,
        MetricsModule,
        ApiKeysModule,
        ProjectsModule,
        ContactsModule,
        SegmentsModule,
        IntegrationsModule,
        SendoutsModule,
        SendGateModule,
        FeedbackWebhooksModule,
        HooksModule,
        EmailModule,
        JourneysModule,
        CampaignsModule,
        SuppressionsModule,
        UnsubscribeModule,
        ...(config.sandbox.enabled ? [SandboxModule] : []),
      ],
      providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }, BootstrapService],
    };
  }
}
