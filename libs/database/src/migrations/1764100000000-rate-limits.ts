import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnKit } from './column-kit';

/** Per-integration send permits in one-second windows, shared by every worker. */
export class RateLimits1764100000000 implements MigrationInterface {
  name = 'RateLimits1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);
    await runner.createTable(
      new Table({
        name: 'rate_windows',
        columns: [{ ...c.varchar('integration_id', 36), isPrimary: true }, { ...c.bigint('window_start'), isPrimary: true }, c.int('used')],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('rate_windows');
  }
}
