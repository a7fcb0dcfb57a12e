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

/** A delivery callback the sandbox owes, with the integration of the sendout that sent the message. */
export interface DueSandboxCallback {
  id: number;
  idempotencyKey: string;
  outcome: string;
  outcomeType: string | null;
  dueAt: Date;
  /** Null when no sendout (or integration) can be found for the message any more. */
  integrationId: string | null;
  callbackTokenVersion: number | null;
  feedbackMapping: unknown;
}

/** The outcome the sandbox decided for a message, and when its callback is due. */
export interface SandboxCallbackPlan {
  outcome: string;
  outcomeType: string | null;
  dueAt: Date;
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

  /** Keeps one row per idempotency key: a retried request is accepted again, not stored twice (nor its callback planned twice). */
  async insert(row: {
    accountId: string;
    idempotencyKey: string;
    to: string | null;
    payloadJson: string;
    callback?: SandboxCallbackPlan;
  }): Promise<void> {
    const { dialect } = this.sql;
    await this.sql.run(
      `${dialect.insertIgnore} INTO sandbox_messages
         (account_id, idempotency_key, recipient, payload, created_at, outcome, outcome_type, callback_due_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.accountId,
        row.idempotencyKey,
        row.to,
        row.payloadJson,
        dialect.timestamp(new Date()),
        row.callback?.outcome ?? null,
        row.callback?.outcomeType ?? null,
        row.callback ? dialect.timestamp(row.callback.dueAt) : null,
      ],
    );
  }

  /** The callbacks due at `now`, soonest first, with the integration each goes to. */
  async dueCallbacks(now: Date, limit: number): Promise<DueSandboxCallback[]> {
    const rows = await this.sql.all<{
      id: number | string;
      idempotency_key: string;
      outcome: string;
      outcome_type: string | null;
      callback_due_at: Date | string;
      integration_id: string | null;
      callback_token_version: number | string | null;
      feedback_mapping: string | null;
    }>(
      `SELECT sm.id, sm.idempotency_key, sm.outcome, sm.outcome_type, sm.callback_due_at,
              i.id AS integration_id, i.callback_token_version, i.feedback_mapping
       FROM sandbox_messages sm
       LEFT JOIN sendouts s ON s.id = SUBSTR(sm.idempotency_key, 1, 36)
       LEFT JOIN esp_integrations i ON i.id = s.integration_id
       WHERE sm.callback_due_at IS NOT NULL AND sm.callback_due_at <= ?
       ORDER BY sm.callback_due_at LIMIT ?`,
      [this.sql.dialect.timestamp(now), limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      idempotencyKey: r.idempotency_key,
      outcome: r.outcome,
      outcomeType: r.outcome_type,
      dueAt: readTimestamp(r.callback_due_at),
      integrationId: r.integration_id,
      callbackTokenVersion: r.callback_token_version === null ? null : Number(r.callback_token_version),
      feedbackMapping: r.feedback_mapping ? JSON.parse(r.feedback_mapping) : null,
    }));
  }

  /** Posted, or nothing to post: the callbacks are no longer due. */
  async clearCallbacks(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.run(
      `UPDATE sandbox_messages SET callback_due_at = NULL WHERE id IN (${this.sql.dialect.placeholders(ids.length)})`,
      ids,
    );
  }

  /** Not delivered this time: due again at `until`. */
  async postponeCallbacks(ids: number[], until: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.run(`UPDATE sandbox_messages SET callback_due_at = ? WHERE id IN (${this.sql.dialect.placeholders(ids.length)})`, [
      this.sql.dialect.timestamp(until),
      ...ids,
    ]);
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
