import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { openDataSource } from './data-source';
import { AccountsRepository } from './repositories/accounts.repository';
import { ApiKeysRepository } from './repositories/api-keys.repository';
import { CampaignsRepository } from './repositories/campaigns.repository';
import { ContactsRepository } from './repositories/contacts.repository';
import { DatabaseHealth } from './repositories/database-health';
import { EmailReportsRepository } from './repositories/email-reports.repository';
import { EmailBulksRepository } from './repositories/email-bulks.repository';
import { FeedbackDeliveryLogRepository } from './repositories/feedback-delivery-log.repository';
import { FeedbackWebhooksRepository } from './repositories/feedback-webhooks.repository';
import { EspEventsRepository } from './repositories/esp-events.repository';
import { FeedbackDeliveriesRepository } from './repositories/feedback-deliveries.repository';
import { GateEndpointsRepository } from './repositories/gate-endpoints.repository';
import { GateRepository } from './repositories/gate.repository';
import { IntegrationsRepository } from './repositories/integrations.repository';
import { JourneyRunsRepository } from './repositories/journey-runs.repository';
import { JourneysRepository } from './repositories/journeys.repository';
import { MessagesRepository } from './repositories/messages.repository';
import { ProjectsRepository } from './repositories/projects.repository';
import { SandboxMessagesRepository } from './repositories/sandbox-messages.repository';
import { SegmentsRepository } from './repositories/segments.repository';
import { SendoutsRepository } from './repositories/sendouts.repository';
import { EmailSendsRepository } from './repositories/email-sends.repository';
import { SuppressionsRepository } from './repositories/suppressions.repository';
import { Sql } from './sql';

/** Every class here is built over the Sql helper alone. */
const OVER_SQL = [
  MessagesRepository,
  ContactsRepository,
  GateRepository,
  SandboxMessagesRepository,
  SendoutsRepository,
  ProjectsRepository,
  SegmentsRepository,
  IntegrationsRepository,
  GateEndpointsRepository,
  AccountsRepository,
  DatabaseHealth,
  FeedbackWebhooksRepository,
  FeedbackDeliveryLogRepository,
  EspEventsRepository,
  FeedbackDeliveriesRepository,
  EmailReportsRepository,
  EmailBulksRepository,
  JourneysRepository,
  JourneyRunsRepository,
  CampaignsRepository,
  SuppressionsRepository,
] as const;

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [SENDGATE_CONFIG],
      useFactory: (config: SendgateConfig) => openDataSource(config.database),
    },
    { provide: Sql, inject: [DataSource], useFactory: (ds: DataSource) => new Sql(ds) },
    ...OVER_SQL.map((repository) => ({ provide: repository, inject: [Sql], useFactory: (sql: Sql) => new repository(sql) })),
    { provide: ApiKeysRepository, inject: [DataSource], useFactory: (ds: DataSource) => new ApiKeysRepository(ds) },
    {
      provide: EmailSendsRepository,
      inject: [Sql, SENDGATE_CONFIG],
      useFactory: (sql: Sql, config: SendgateConfig) => new EmailSendsRepository(sql, config.email.attachmentsDir),
    },
  ],
  // Not the DataSource: services and activities reach the database through repositories only.
  exports: [Sql, ...OVER_SQL, ApiKeysRepository, EmailSendsRepository],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
