import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from './column-kit';

/**
 * A feedback webhook may take several events per request: `max_events_per_request` above 1 makes
 * its body a JSON array of up to that many events. 1, the default, keeps one event per request.
 */
export class FeedbackBatches1765100000000 implements MigrationInterface {
  name = 'FeedbackBatches1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumn('feedback_webhooks', new TableColumn(columnKit(runner).int('max_events_per_request', 1)));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('feedback_webhooks', 'max_events_per_request');
  }
}
