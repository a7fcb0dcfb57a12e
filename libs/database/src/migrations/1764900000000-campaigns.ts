import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from './column-kit';

/**
 * Campaigns: steps that each run on a Temporal Schedule, every execution a sendout in campaign
 * mode. A sendout names the campaign and step it executes, so a campaign's executions are one read
 * of (campaign_id, created_at).
 */
export class Campaigns1764900000000 implements MigrationInterface {
  name = 'Campaigns1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);

    await runner.createTable(
      new Table({
        name: 'campaigns',
        columns: [
          c.uuidKey('id'),
          c.varchar('account_id', 36),
          c.varchar('project_id', 36),
          c.varchar('name', 200),
          c.varchar('segment_id', 36),
          // ACTIVE | PAUSED
          c.varchar('state', 16),
          // JSON: the steps as given (id, integrationId, content, gate?, schedule)
          c.longText('steps'),
          c.createdAt(),
          c.updatedAt(),
          c.timestamp('deleted_at', true),
        ],
        indices: [new TableIndex({ name: 'ix_campaigns_account', columnNames: ['account_id', 'created_at'] })],
      }),
    );

    await runner.addColumns('sendouts', [
      new TableColumn(c.varchar('campaign_id', 36, true)),
      new TableColumn(c.varchar('campaign_step_id', 64, true)),
    ]);
    await runner.createIndex('sendouts', new TableIndex({ name: 'ix_sendouts_campaign', columnNames: ['campaign_id', 'created_at'] }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('sendouts', 'ix_sendouts_campaign');
    await runner.dropColumn('sendouts', 'campaign_step_id');
    await runner.dropColumn('sendouts', 'campaign_id');
    await runner.dropTable('campaigns');
  }
}
