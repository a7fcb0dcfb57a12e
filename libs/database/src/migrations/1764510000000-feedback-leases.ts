import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from './column-kit';

/**
 * Feedback delivery leases carry a token: claimers lease candidate rows with one conditional
 * UPDATE and read back only the rows holding their token, so two claimers never get the same row.
 */
export class FeedbackLeases1764510000000 implements MigrationInterface {
  name = 'FeedbackLeases1764510000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);
    await runner.addColumn('feedback_deliveries', new TableColumn(c.varchar('lease_token', 32, true)));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('feedback_deliveries', 'lease_token');
  }
}
