/**
 * The gate's state changes, each a conditional UPDATE so that integrator, timer, sender and
 * operator can race and exactly one wins; the caller learns which state the row is in.
 */
import { FeedbackEvent, GateState, MessageState } from '@sendgate/domain';
import { Sql, chunk, readTimestamp } from '../sql';
import { recordFeedback } from './feedback-outbox';

export interface GateRow {
  sendoutId: string;
  state: GateState;
  expiresAt: Date;
  decidedBy: string | null;
  notifyAttempts: number;
  notifiedAt: Date | null;
  lastNotifyError: string | null;
}

/** States in which a contact may still be rejected: anything before the send claim. */
const REJECTABLE = [MessageState.GENERATED, MessageState.GATED, MessageState.ACCEPTED];

export class GateRepository {
  constructor(private readonly sql: Sql) {}

  /** Opens the gate once; a retried call finds the row it made and answers it unchanged. */
  async open(sendoutId: string, timeoutMs: number, now = new Date()): Promise<GateRow> {
    const { dialect } = this.sql;
    await this.sql.run(
      `${dialect.insertIgnore} INTO sendout_gates (sendout_id, state, opened_at, expires_at, notify_attempts) VALUES (?, ?, ?, ?, 0)`,
      [sendoutId, GateState.OPEN, dialect.timestamp(now), dialect.timestamp(new Date(now.getTime() + timeoutMs))],
    );
    return (await this.find(sendoutId))!;
  }

  async find(sendoutId: string): Promise<GateRow | undefined> {
    const row = await this.sql.one<{
      sendout_id: string;
      state: GateState;
      expires_at: Date | string;
      decided_by: string | null;
      notify_attempts: number | string;
      notified_at: Date | string | null;
      last_notify_error: string | null;
    }>(
      `SELECT sendout_id, state, expires_at, decided_by, notify_attempts, notified_at, last_notify_error
       FROM sendout_gates WHERE sendout_id = ?`,
      [sendoutId],
    );
    return (
      row && {
        sendoutId: row.sendout_id,
        state: row.state,
        expiresAt: readTimestamp(row.expires_at),
        decidedBy: row.decided_by,
        notifyAttempts: Number(row.notify_attempts),
        notifiedAt: row.notified_at ? readTimestamp(row.notified_at) : null,
        lastNotifyError: row.last_notify_error,
      }
    );
  }

  /** OPEN → `to`, if still open (and, for an accept, not past its deadline). Answers whether it won. */
  async decide(
    sendoutId: string,
    to: GateState.ACCEPTED | GateState.TIMED_OUT | GateState.CANCELED,
    by: string,
    now = new Date(),
  ): Promise<boolean> {
    const { dialect } = this.sql;
    const beforeDeadline = to === GateState.ACCEPTED ? ' AND expires_at > ?' : '';
    const params: unknown[] = [to, dialect.timestamp(now), by, sendoutId, GateState.OPEN];
    if (beforeDeadline) params.push(dialect.timestamp(now));
    return (
      (await this.sql.run(
        `UPDATE sendout_gates SET state = ?, decided_at = ?, decided_by = ? WHERE sendout_id = ? AND state = ?${beforeDeadline}`,
        params,
      )) === 1
    );
  }

  /**
   * Rejects one contact's message unless it is already on its way; answers the state it is in now.
   * The reject and its `exclude` feedback rows (none when the sendout reports to no webhook) commit together.
   */
  async reject(sendoutId: string, messageId: number, reason: string | null): Promise<{ changed: boolean; state?: MessageState }> {
    const changed = await this.sql.transaction(async (tx) => {
      const rejected = await tx.run(
        `UPDATE messages SET state = ?, reason = ?, updated_at = ?
         WHERE id = ? AND sendout_id = ? AND state IN (${tx.dialect.placeholders(REJECTABLE.length)})`,
        [
          MessageState.REJECTED,
          reason ?? 'rejected at the send gate',
          tx.dialect.timestamp(new Date()),
          messageId,
          sendoutId,
          ...REJECTABLE,
        ],
      );
      if (rejected === 1) await recordFeedback(tx, FeedbackEvent.EXCLUDE, { messageIds: [messageId] });
      return rejected;
    });
    if (changed === 1) return { changed: true, state: MessageState.REJECTED };
    const row = await this.sql.one<{ state: MessageState }>('SELECT state FROM messages WHERE id = ? AND sendout_id = ?', [
      messageId,
      sendoutId,
    ]);
    return { changed: false, state: row?.state };
  }

  /** Stores integrator data per contact (by external id), replacing what was there, in multi-row upserts. */
  async upsertGateData(sendoutId: string, entries: Array<{ externalId: string; data: Record<string, unknown> }>): Promise<number> {
    const { dialect } = this.sql;
    const now = dialect.timestamp(new Date());
    const onConflict = dialect.onConflictUpdate(['sendout_id', 'external_id'], ['data', 'updated_at']);
    let written = 0;
    for (const rows of chunk(entries, 500)) {
      written += await this.sql.run(
        `INSERT INTO gate_data (sendout_id, external_id, data, updated_at)
         VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')} ${onConflict}`,
        rows.flatMap((e) => [sendoutId, e.externalId, JSON.stringify(e.data), now]),
      );
    }
    return written;
  }

  async recordDelivery(args: {
    sendoutId: string;
    attempt: number;
    transport: string;
    status?: number;
    outcome: 'delivered' | 'failed';
    detail?: string;
  }): Promise<void> {
    const { dialect } = this.sql;
    const now = dialect.timestamp(new Date());
    await this.sql.run(
      'INSERT INTO gate_deliveries (sendout_id, attempt, transport, status, outcome, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [args.sendoutId, args.attempt, args.transport, args.status ?? null, args.outcome, args.detail?.slice(0, 2000) ?? null, now],
    );
    await this.sql.run(
      `UPDATE sendout_gates SET notify_attempts = notify_attempts + 1,
         ${args.outcome === 'delivered' ? 'notified_at = ?' : 'last_notify_error = ?'} WHERE sendout_id = ?`,
      [args.outcome === 'delivered' ? now : (args.detail ?? null), args.sendoutId],
    );
  }
}
