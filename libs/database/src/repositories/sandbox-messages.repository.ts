/**
 * What the built-in sandbox ESP accepted, per account. Pages are keyset pages on (account_id, id),
 * newest first; old rows are purged in bounded batches so that no single DELETE holds locks long.
 */
import { Sql, readTimestamp } from '../sql';

export interface SandboxMessage {
  id: number;
  idempotencyKey: string;
  to: string | null;
  payload: unknown;
  receivedAt: Date;
}

const PURGE_BATCH = 5_000;
const PURGE_MAX_BATCHES = 100;

export class SandboxMessagesRepository {
  constructor(private readonly sql: Sql) {}

  /** The account whose sendout holds this message (one lookup on the messages' unique (sendout_id, contact_id) index). */
  async accountOfMessage(sendoutId: string, contactId: string): Promise<string | undefined> {
    const row = await this.sql.one<{ account_id: string }>(
      'SELECT s.account_id FROM messages m JOIN sendouts s ON s.id = m.sendout_id WHERE m.sendout_id = ? AND m.contact_id = ?',
      [sendoutId, contactId],
    );
    return row?.account_id;
  }

  async accountOfIntegration(integrationId: string): Promise<string | undefined> {
    return (await this.sql.one<{ account_id: string }>('SELECT account_id FROM esp_integrations WHERE id = ?', [integrationId]))
      ?.account_id;
  }

  /** Keeps one row per idempotency key: a retried request is accepted again, not stored twice. */
  async insert(row: { accountId: string; idempotencyKey: string; to: string | null; payloadJson: string }): Promise<void> {
    await this.sql.run(
      `${this.sql.dialect.insertIgnore} INTO sandbox_messages (account_id, idempotency_key, recipient, payload, created_at)
       VALUES (?, ?, ?, ?, ?)`,
      [row.accountId, row.idempotencyKey, row.to, row.payloadJson, this.sql.dialect.timestamp(new Date())],
    );
  }

  /** The account's messages, newest first, those with an id below `before` when given. */
  async list(accountId: string, limit: number, before?: number): Promise<SandboxMessage[]> {
    const rows = await this.sql.all<{
      id: number | string;
      idempotency_key: string;
      recipient: string | null;
      payload: string;
      created_at: Date | string;
    }>(
      `SELECT id, idempotency_key, recipient, payload, created_at FROM sandbox_messages
       WHERE account_id = ? ${before !== undefined ? 'AND id < ?' : ''} ORDER BY id DESC LIMIT ?`,
      before !== undefined ? [accountId, before, limit] : [accountId, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      idempotencyKey: r.idempotency_key,
      to: r.recipient,
      payload: JSON.parse(r.payload),
      receivedAt: readTimestamp(r.created_at),
    }));
  }

  /** Deletes every row received before `cutoff`; answers how many it deleted. */
  async purgeReceivedBefore(cutoff: Date): Promise<number> {
    let deleted = 0;
    for (let batch = 0; batch < PURGE_MAX_BATCHES; batch++) {
      // The extra derived table lets MySQL delete from the table its subquery reads.
      const count = await this.sql.run(
        `DELETE FROM sandbox_messages WHERE id IN (
           SELECT id FROM (SELECT id FROM sandbox_messages WHERE created_at < ? ORDER BY created_at LIMIT ?) AS old)`,
        [this.sql.dialect.timestamp(cutoff), PURGE_BATCH],
      );
      deleted += count;
      if (count < PURGE_BATCH) break;
    }
    return deleted;
  }
}
