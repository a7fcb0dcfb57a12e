import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from './column-kit';

/**
 * ESP callbacks applied: the failure's type on each received event, an index from a message to its
 * events (the apply step reads an event's failure per message), and the sandbox ESP's own due
 * delivery callbacks, recorded with the message it accepted so that a restart loses none.
 */
export class EspCallbacks1764530000000 implements MigrationInterface {
  name = 'EspCallbacks1764530000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);
    await runner.addColumn('esp_events', new TableColumn(c.varchar('failure_type', 32, true)));
    await runner.createIndex('esp_events', new TableIndex({ name: 'ix_esp_events_message', columnNames: ['message_id', 'id'] }));
    await runner.addColumns('sandbox_messages', [
      // delivered | bounce | error: the outcome the simulator address decided
      new TableColumn(c.varchar('outcome', 12, true)),
      new TableColumn(c.varchar('outcome_type', 32, true)),
      // when the callback is due; NULL once posted (or when there is none to post)
      new TableColumn(c.timestamp('callback_due_at', true)),
    ]);
    await runner.createIndex(
      'sandbox_messages',
      new TableIndex({ name: 'ix_sandbox_messages_callback_due', columnNames: ['callback_due_at'] }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('sandbox_messages', 'ix_sandbox_messages_callback_due');
    await runner.dropColumn('sandbox_messages', 'callback_due_at');
    await runner.dropColumn('sandbox_messages', 'outcome_type');
    await runner.dropColumn('sandbox_messages', 'outcome');
    await runner.dropIndex('esp_events', 'ix_esp_events_message');
    await runner.dropColumn('esp_events', 'failure_type');
  }
}
