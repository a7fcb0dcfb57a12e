import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { JourneyRunWorkflowGateway } from './journey-run-workflow.gateway';
import { CampaignScheduleGateway } from './campaign-schedule.gateway';
import { SendoutWorkflowGateway } from './sendout-workflow.gateway';

/**
 * The Temporal client for the API, behind the sendout workflow gateway. The connection is lazy,
 * so the API starts (and reports not-ready) while Temporal is still coming up.
 */
@Global()
@Module({
  providers: [
    {
      provide: Connection,
      inject: [SENDGATE_CONFIG],
      useFactory: (config: SendgateConfig) => Connection.lazy({ address: config.temporal.address }),
    },
    {
      provide: Client,
      inject: [Connection, SENDGATE_CONFIG],
      useFactory: (connection: Connection, config: SendgateConfig) => new Client({ connection, namespace: config.temporal.namespace }),
    },
    SendoutWorkflowGateway,
    JourneyRunWorkflowGateway,
    CampaignScheduleGateway,
  ],
  exports: [SendoutWorkflowGateway, JourneyRunWorkflowGateway, CampaignScheduleGateway],
})
export class TemporalClientModule implements OnApplicationShutdown {
  constructor(@Inject(Connection) private readonly connection: Connection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
