import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from './column-kit';

/**
 * Journey definitions: a journey names its current version; every version's definition (entry step
 * and steps, JSON) is kept, so that a run keeps the version it started with.
 */
export class Journeys1764700000000 implements MigrationInterface {
  name = 'Journeys1764700000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);

    await runner.createTable(
      new Table({
        name: 'journeys',
        columns: [
          c.uuidKey('id'),
          c.varchar('account_id', 36),
          c.varchar('project_id', 36),
          c.varchar('name', 200),
          c.int('current_version', 1),
          c.createdAt(),
          c.updatedAt(),
          c.timestamp('deleted_at', true),
        ],
        indices: [new TableIndex({ name: 'ix_journeys_account', columnNames: ['account_id', 'created_at'] })],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'journey_versions',
        columns: [
          { ...c.varchar('journey_id', 36), isPrimary: true },
          { name: 'version', type: 'int', isPrimary: true },
          // JSON: {entryStepId, steps}
          c.longText('definition'),
          c.createdAt(),
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('journey_versions');
    await runner.dropTable('journeys');
  }
}
