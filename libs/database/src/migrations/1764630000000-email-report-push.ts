import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from './column-kit';

/**
 * The feedback outbox carries two kinds of target: a feedback webhook (`webhook_id` names it) and
 * the notifyUrl of an email API request (`webhook_id` holds the request's sendout id, one target
 * per bulk, so the unique (message, target, event) key and the per-message order hold for both).
 */
export class EmailReportPush1764630000000 implements MigrationInterface {
  name = 'EmailReportPush1764630000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);
    // webhook | notify
    await runner.addColumn('feedback_deliveries', new TableColumn({ ...c.varchar('target', 8), default: "'webhook'" }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('feedback_deliveries', 'target');
  }
}
