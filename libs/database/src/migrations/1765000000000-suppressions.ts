import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from './column-kit';

/**
 * Suppression lists: per account and channel, the addresses nothing is sent to. The unique key
 * (address, account_id, channel) is also the lookup generation joins on (one index probe per contact); the account's (id) index
 * serves the keyset listing. A sendout may skip the `unsubscribed` entries (a transactional send
 * of the email API that opts out of them).
 */
export class Suppressions1765000000000 implements MigrationInterface {
  name = 'Suppressions1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);
    await runner.createTable(
      new Table({
        name: 'suppressions',
        columns: [
          c.serialKey('id'),
          c.varchar('account_id', 36),
          // email | sms
          c.varchar('channel', 8),
          // an email trimmed and lower-cased, a phone in E.164, as contacts store theirs
          c.varchar('address', 320),
          // unsubscribed | hard_bounce | complaint | manual
          c.varchar('reason', 16),
          // who or what added it: a bounce's message, an unsubscribe link's sendout, an operator's note
          c.varchar('source', 200, true),
          c.createdAt(),
        ],
        indices: [
          // the address first: a probe's comparisons are decided by it, not by the account id every entry shares
          new TableIndex({ name: 'ux_suppressions_address', columnNames: ['address', 'account_id', 'channel'], isUnique: true }),
          new TableIndex({ name: 'ix_suppressions_account', columnNames: ['account_id', 'id'] }),
        ],
      }),
    );
    await runner.addColumn('sendouts', new TableColumn(c.bool('ignore_unsubscribes')));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('sendouts', 'ignore_unsubscribes');
    await runner.dropTable('suppressions');
  }
}
