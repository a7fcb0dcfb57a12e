import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from './column-kit';

/**
 * The Infobip-compatible email API: one bulk per request (a sendout of kind single), one row per
 * recipient with the messageId the client sees and its one-time report claim, the request's
 * attachments stored in chunks (never in workflow history), and which project and integration an
 * API key (or a project) sends through.
 */
export class EmailApi1764600000000 implements MigrationInterface {
  name = 'EmailApi1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);

    await runner.createTable(
      new Table({
        name: 'email_bulks',
        columns: [
          { ...c.varchar('sendout_id', 36), isPrimary: true },
          c.varchar('account_id', 36),
          // the client's bulkId, or one generated for it
          c.varchar('bulk_id', 100),
          c.varchar('from_address', 320),
          // JSON: from, replyTo, cc, bcc, headers, defaultPlaceholders and the accepted flags
          c.longText('envelope'),
          c.longText('callback_data', true),
          c.varchar('notify_url', 2048, true),
          c.varchar('notify_content_type', 100, true),
          c.bool('paused'),
          c.createdAt(),
        ],
        indices: [
          new TableIndex({ name: 'uq_email_bulks_bulk', columnNames: ['account_id', 'bulk_id'], isUnique: true }),
          new TableIndex({ name: 'ix_email_bulks_created', columnNames: ['created_at'] }),
        ],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'email_messages',
        columns: [
          c.serialKey('id'),
          c.varchar('account_id', 36),
          c.varchar('sendout_id', 36),
          c.bigint('contact_id'),
          // the messageId the client sees (its own, or one generated for it)
          c.varchar('message_id', 100),
          c.varchar('to_address', 320),
          // JSON: this recipient's placeholders
          c.longText('placeholders', true),
          // the one-time report: the reader that claimed it, and when
          c.varchar('report_claim', 36, true),
          c.timestamp('reported_at', true),
          c.createdAt(),
        ],
        indices: [
          new TableIndex({ name: 'uq_email_messages_message', columnNames: ['sendout_id', 'contact_id'], isUnique: true }),
          new TableIndex({ name: 'uq_email_messages_client_id', columnNames: ['account_id', 'message_id'], isUnique: true }),
          new TableIndex({ name: 'ix_email_messages_logs', columnNames: ['account_id', 'created_at'] }),
          new TableIndex({ name: 'ix_email_messages_reports', columnNames: ['account_id', 'reported_at', 'id'] }),
          new TableIndex({ name: 'ix_email_messages_created', columnNames: ['created_at'] }),
        ],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'email_attachments',
        columns: [
          { ...c.varchar('sendout_id', 36), isPrimary: true },
          // the file's place in the request (attachments and inline images in one order)
          { name: 'position', type: 'int', isPrimary: true },
          // a file is stored in chunks, so that no statement exceeds the server's packet limit
          { name: 'chunk', type: 'int', isPrimary: true },
          // attachment | inline
          c.varchar('disposition', 10),
          c.varchar('filename', 255),
          c.varchar('content_type', 255),
          c.bigint('size'),
          { name: 'content', type: c.mysql ? 'mediumblob' : 'blob' },
        ],
      }),
    );

    // JSON: {projectId, integrationId?} on a key; {integrationId, gate?} on a project.
    await runner.addColumn('api_keys', new TableColumn(c.longText('email_defaults', true)));
    await runner.addColumn('projects', new TableColumn(c.longText('email_defaults', true)));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('projects', 'email_defaults');
    await runner.dropColumn('api_keys', 'email_defaults');
    await runner.dropTable('email_attachments');
    await runner.dropTable('email_messages');
    await runner.dropTable('email_bulks');
  }
}
