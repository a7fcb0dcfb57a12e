import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from './column-kit';

/**
 * Journey runs: each run of a journey is numbered within it and keeps the version it started with
 * and its own audience. A step of a run is a sendout that names the run and the step, and stores
 * its audience (JSON SendoutAudience: an earlier sendout's path, narrowed by branch conditions),
 * which generation resolves in the database.
 */
export class JourneyRuns1764800000000 implements MigrationInterface {
  name = 'JourneyRuns1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);

    await runner.createTable(
      new Table({
        name: 'journey_runs',
        columns: [
          c.uuidKey('id'),
          c.varchar('account_id', 36),
          c.varchar('journey_id', 36),
          { name: 'run_number', type: 'int' },
          { name: 'version', type: 'int' },
          c.varchar('workflow_id', 120),
          // RUNNING | COMPLETED | CANCELED | FAILED
          c.varchar('stage', 16),
          c.varchar('segment_id', 36, true),
          // JSON: external contact ids
          { name: 'contact_ids', type: 'text', isNullable: true },
          { name: 'last_error', type: 'text', isNullable: true },
          c.createdAt(),
          c.timestamp('completed_at', true),
        ],
        indices: [
          // numbers a run: two concurrent starts cannot both take the same one
          new TableIndex({ name: 'uq_journey_runs_number', columnNames: ['journey_id', 'run_number'], isUnique: true }),
          new TableIndex({ name: 'ix_journey_runs_account', columnNames: ['account_id', 'journey_id', 'run_number'] }),
        ],
      }),
    );

    await runner.addColumns('sendouts', [
      new TableColumn(c.varchar('journey_run_id', 36, true)),
      new TableColumn(c.varchar('journey_step_id', 64, true)),
      // JSON: SendoutAudience
      new TableColumn(c.longText('audience', true)),
    ]);
    await runner.createIndex(
      'sendouts',
      new TableIndex({ name: 'ix_sendouts_journey_step', columnNames: ['journey_run_id', 'journey_step_id'] }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('sendouts', 'ix_sendouts_journey_step');
    await runner.dropColumns('sendouts', ['audience', 'journey_step_id', 'journey_run_id']);
    await runner.dropTable('journey_runs');
  }
}
