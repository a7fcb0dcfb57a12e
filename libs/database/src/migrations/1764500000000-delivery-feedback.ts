import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from './column-kit';

/**
 * Delivery feedback: the account's feedback webhooks, which of them a sendout reports to, the
 * outbox of feedback deliveries (one row per message status change and webhook, written in the
 * transaction of the state change), and the ESP's delivery callbacks as received.
 */
export class DeliveryFeedback1764500000000 implements MigrationInterface {
  name = 'DeliveryFeedback1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);

    await runner.createTable(
      new Table({
        name: 'feedback_webhooks',
        columns: [
          c.uuidKey('id'),
          c.varchar('account_id', 36),
          c.varchar('name', 200),
          // 'email', 'sms' or 'email,sms'
          c.varchar('channels', 16),
          c.varchar('url', 2048),
          c.varchar('auth_type', 8),
          // non-secret JWT settings: algorithm, issuer, audience, expiresInSeconds
          c.longText('auth_settings', true),
          // the sealed JWT secret or private key
          c.longText('auth_secret', true),
          // [{key, secret, value}] with secret values sealed
          c.longText('headers', true),
          c.createdAt(),
          c.updatedAt(),
          c.timestamp('deleted_at', true),
        ],
        indices: [new TableIndex({ name: 'ix_feedback_webhooks_account', columnNames: ['account_id', 'created_at'] })],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'sendout_feedback_webhooks',
        columns: [
          { ...c.varchar('sendout_id', 36), isPrimary: true },
          { ...c.varchar('webhook_id', 36), isPrimary: true },
        ],
      }),
    );
    await runner.addColumn('sendouts', new TableColumn(c.bool('feedback_enabled')));

    await runner.createTable(
      new Table({
        name: 'feedback_deliveries',
        columns: [
          c.serialKey('id'),
          // the event's requestId: unique, and the same on every attempt
          c.varchar('request_id', 32),
          c.varchar('account_id', 36),
          c.varchar('webhook_id', 36),
          c.varchar('sendout_id', 36),
          c.bigint('message_id'),
          // sent | delivered | bounce | error | exclude
          c.varchar('event', 12),
          c.varchar('failure_type', 32, true),
          c.varchar('failure_code', 64, true),
          c.varchar('failure_reason', 500, true),
          // PENDING | DELIVERED | DEAD
          c.varchar('state', 12),
          c.int('attempts'),
          c.timestamp('next_attempt_at'),
          c.timestamp('lease_until', true),
          { name: 'last_status', type: 'int', isNullable: true },
          c.varchar('last_error', 500, true),
          c.createdAt(),
          c.timestamp('delivered_at', true),
        ],
        indices: [
          new TableIndex({ name: 'uq_feedback_deliveries_request', columnNames: ['request_id'], isUnique: true }),
          // one row per status change and webhook; also the per-message order check
          new TableIndex({ name: 'uq_feedback_deliveries_event', columnNames: ['message_id', 'webhook_id', 'event'], isUnique: true }),
          new TableIndex({ name: 'ix_feedback_deliveries_due', columnNames: ['state', 'next_attempt_at'] }),
          new TableIndex({ name: 'ix_feedback_deliveries_webhook', columnNames: ['webhook_id', 'state', 'id'] }),
          new TableIndex({ name: 'ix_feedback_deliveries_sendout', columnNames: ['sendout_id', 'state', 'id'] }),
        ],
      }),
    );

    await runner.addColumns('esp_integrations', [
      // bumping it revokes the callback URL handed out before
      new TableColumn(c.int('callback_token_version', 1)),
      // {preset} or a custom mapping from the ESP's callback body to delivery events
      new TableColumn(c.longText('feedback_mapping', true)),
    ]);
    await runner.createIndex('messages', new TableIndex({ name: 'ix_messages_esp_message_id', columnNames: ['esp_message_id'] }));

    await runner.createTable(
      new Table({
        name: 'esp_events',
        columns: [
          c.serialKey('id'),
          c.varchar('integration_id', 36),
          c.varchar('account_id', 36),
          // SHA-256 of the event as received: the same callback twice is one row
          c.varchar('dedupe_hash', 64),
          c.varchar('esp_message_id', 255, true),
          c.varchar('idempotency_key', 191, true),
          // delivered | bounce | error | unmapped
          c.varchar('status', 12),
          c.varchar('esp_status', 64, true),
          c.varchar('failure_code', 64, true),
          c.varchar('failure_reason', 500, true),
          // PENDING | APPLIED | UNMATCHED | IGNORED
          c.varchar('state', 12),
          c.bigint('message_id', true),
          c.timestamp('received_at'),
          c.timestamp('applied_at', true),
        ],
        indices: [
          new TableIndex({ name: 'uq_esp_events_dedupe', columnNames: ['integration_id', 'dedupe_hash'], isUnique: true }),
          new TableIndex({ name: 'ix_esp_events_state', columnNames: ['state', 'id'] }),
          new TableIndex({ name: 'ix_esp_events_integration', columnNames: ['integration_id', 'state', 'id'] }),
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('esp_events');
    await runner.dropIndex('messages', 'ix_messages_esp_message_id');
    await runner.dropColumn('esp_integrations', 'feedback_mapping');
    await runner.dropColumn('esp_integrations', 'callback_token_version');
    await runner.dropTable('feedback_deliveries');
    await runner.dropColumn('sendouts', 'feedback_enabled');
    await runner.dropTable('sendout_feedback_webhooks');
    await runner.dropTable('feedback_webhooks');
  }
}
