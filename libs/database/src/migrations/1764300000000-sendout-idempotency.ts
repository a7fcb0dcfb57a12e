import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from './column-kit';

/** A client's Idempotency-Key on POST /v1/sendouts, unique per account, with a hash of the request it came with. */
export class SendoutIdempotency1764300000000 implements MigrationInterface {
  name = 'SendoutIdempotency1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);
    await runner.addColumns('sendouts', [
      new TableColumn(c.varchar('idempotency_key', 255, true)),
      new TableColumn(c.varchar('request_hash', 64, true)),
    ]);
    await runner.createIndex(
      'sendouts',
      new TableIndex({
        name: 'uq_sendouts_account_idempotency_key',
        columnNames: ['account_id', 'idempotency_key'],
        isUnique: true,
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('sendouts', 'uq_sendouts_account_idempotency_key');
    await runner.dropColumn('sendouts', 'request_hash');
    await runner.dropColumn('sendouts', 'idempotency_key');
  }
}
