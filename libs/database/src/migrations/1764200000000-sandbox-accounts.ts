import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from './column-kit';

/**
 * Sandbox messages belong to an account. Rows already there are given the account of the sendout
 * their idempotency key names; rows no account can be found for (integration tests of the old key
 * format) are dropped: they were never meant to outlive the sandbox's retention anyway.
 */
export class SandboxAccounts1764200000000 implements MigrationInterface {
  name = 'SandboxAccounts1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);
    await runner.addColumn('sandbox_messages', new TableColumn(c.varchar('account_id', 36, true)));
    await runner.query(
      `UPDATE sandbox_messages SET account_id = (
         SELECT s.account_id FROM sendouts s WHERE s.id = SUBSTR(sandbox_messages.idempotency_key, 1, 36))`,
    );
    await runner.query('DELETE FROM sandbox_messages WHERE account_id IS NULL');
    await runner.changeColumn('sandbox_messages', 'account_id', new TableColumn(c.varchar('account_id', 36)));
    // listing: WHERE account_id = ? AND id < ? ORDER BY id DESC; retention: WHERE created_at < ?
    await runner.createIndex(
      'sandbox_messages',
      new TableIndex({ name: 'ix_sandbox_messages_account_id', columnNames: ['account_id', 'id'] }),
    );
    await runner.createIndex('sandbox_messages', new TableIndex({ name: 'ix_sandbox_messages_created', columnNames: ['created_at'] }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('sandbox_messages', 'ix_sandbox_messages_created');
    await runner.dropIndex('sandbox_messages', 'ix_sandbox_messages_account_id');
    await runner.dropColumn('sandbox_messages', 'account_id');
  }
}
