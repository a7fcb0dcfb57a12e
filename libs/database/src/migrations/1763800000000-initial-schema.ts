import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from './column-kit';

/**
 * The foundation schema. Written with TypeORM's Table API so the same migration runs on
 * MySQL 8 / MariaDB and on the embedded SQLite database.
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);

    await runner.createTable(
      new Table({
        name: 'accounts',
        columns: [c.uuidKey('id'), c.varchar('name', 200), c.createdAt()],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          c.uuidKey('id'),
          c.varchar('account_id', 36),
          c.varchar('key_hash', 64),
          c.varchar('key_prefix', 16),
          c.varchar('name', 100),
          c.createdAt(),
          c.timestamp('revoked_at', true),
        ],
        indices: [
          new TableIndex({ name: 'uq_api_keys_hash', columnNames: ['key_hash'], isUnique: true }),
          new TableIndex({ name: 'ix_api_keys_account', columnNames: ['account_id'] }),
        ],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'projects',
        columns: [c.uuidKey('id'), c.varchar('account_id', 36), c.varchar('name', 200), c.createdAt()],
        indices: [new TableIndex({ name: 'uq_projects_account_name', columnNames: ['account_id', 'name'], isUnique: true })],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'contacts',
        columns: [
          c.serialKey('id'),
          c.varchar('account_id', 36),
          c.varchar('external_id', 191),
          c.varchar('email', 320, true),
          c.varchar('phone', 32, true),
          c.longText('attributes', true),
          c.createdAt(),
          c.updatedAt(),
        ],
        indices: [
          new TableIndex({ name: 'uq_contacts_account_external', columnNames: ['account_id', 'external_id'], isUnique: true }),
          // keyset scans of a segment: WHERE account_id = ? AND id > ? ORDER BY id
          new TableIndex({ name: 'ix_contacts_account_id', columnNames: ['account_id', 'id'] }),
        ],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'segments',
        columns: [c.uuidKey('id'), c.varchar('account_id', 36), c.varchar('name', 200), c.longText('filter'), c.createdAt()],
        indices: [new TableIndex({ name: 'ix_segments_account', columnNames: ['account_id'] })],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'esp_integrations',
        columns: [
          c.uuidKey('id'),
          c.varchar('account_id', 36),
          c.varchar('name', 200),
          c.varchar('channel', 10),
          c.varchar('url', 2048),
          c.longText('payload_template'),
          c.varchar('status', 16),
          c.createdAt(),
          c.updatedAt(),
        ],
        indices: [new TableIndex({ name: 'ix_esp_integrations_account', columnNames: ['account_id'] })],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'sendouts',
        columns: [
          c.uuidKey('id'),
          c.varchar('account_id', 36),
          c.varchar('project_id', 36),
          c.varchar('name', 200),
          c.varchar('kind', 16),
          c.varchar('segment_id', 36, true),
          c.longText('contact_ids', true),
          c.varchar('integration_id', 36),
          c.longText('content'),
          c.varchar('stage', 16),
          c.varchar('workflow_id', 100),
          c.longText('last_error', true),
          c.createdAt(),
          c.updatedAt(),
          c.timestamp('completed_at', true),
        ],
        indices: [
          new TableIndex({ name: 'ix_sendouts_account_created', columnNames: ['account_id', 'created_at'] }),
          new TableIndex({ name: 'ix_sendouts_integration_stage', columnNames: ['integration_id', 'stage'] }),
        ],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'messages',
        columns: [
          c.serialKey('id'),
          c.varchar('sendout_id', 36),
          c.bigint('contact_id'),
          c.varchar('state', 16),
          c.varchar('reason', 500, true),
          c.varchar('idempotency_key', 100),
          c.varchar('esp_message_id', 255, true),
          { name: 'attempts', type: 'int', default: 0 },
          c.createdAt(),
          c.updatedAt(),
          c.timestamp('sent_at', true),
        ],
        indices: [
          new TableIndex({ name: 'uq_messages_sendout_contact', columnNames: ['sendout_id', 'contact_id'], isUnique: true }),
          // keyset scans by state (claiming, paths) and by id (send pages)
          new TableIndex({ name: 'ix_messages_sendout_state_id', columnNames: ['sendout_id', 'state', 'id'] }),
          new TableIndex({ name: 'ix_messages_sendout_id', columnNames: ['sendout_id', 'id'] }),
        ],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'sandbox_messages',
        columns: [
          c.serialKey('id'),
          c.varchar('idempotency_key', 191),
          c.varchar('recipient', 320, true),
          c.longText('payload'),
          c.createdAt(),
        ],
        indices: [new TableIndex({ name: 'uq_sandbox_messages_key', columnNames: ['idempotency_key'], isUnique: true })],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'sandbox_messages',
      'messages',
      'sendouts',
      'esp_integrations',
      'segments',
      'contacts',
      'projects',
      'api_keys',
      'accounts',
    ]) {
      await runner.dropTable(table);
    }
  }
}
