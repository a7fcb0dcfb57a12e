/**
 * The gate's state changes, each a conditional UPDATE so that integrator, timer, sender and
 * operator can race and exactly one wins; the caller learns which state the row is in.
 */
import { FeedbackEvent, GateState, MessageState } from '@sendgate/domain';
import { Sql, chunk, isLockConflict, readTimestamp } from '../sql';
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

/** A cancelUri / rejectUri call: the token's sendout and message, and the reason to keep. */
export interface RejectRequest {
  sendoutId: string;
  messageId: number;
  reason: string | null;
}

/** Whether this request changed the message, and the state it is in (none: not a message of that sendout). */
export interface RejectOutcome {
  changed: boolean;
  state?: MessageState;
}

/** States in which a contact may still be rejected: anything before the send claim. */
const REJECTABLE = [MessageState.GENERATED, MessageState.GATED, MessageState.ACCEPTED];
const DEFAULT_REJECT_REASON = 'rejected at the send gate';
const IN_LIST_LIMIT = 1_000;

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

  /** Rejects one contact's message unless it is already on its way; answers the state it is in now. */
  async reject(sendoutId: string, messageId: number, reason: string | null): Promise<RejectOutcome> {
    return (await this.rejectMany([{ sendoutId, messageId, reason }]))[0];
  }

  /**
   * Rejects a batch of contacts' messages in one transaction and answers each request as if they
   * had come one after another in that order: changed, or the state the message is in (REJECTED for
   * a repeat, none for a message that is not the token's sendout's). The batch's rows are read
   * locked (MySQL; SQLite transactions take turns), so a close or a claim committed first is seen
   * and one committed later waits. The rejects and their `exclude` feedback rows (none when the
   * sendout reports to no webhook) commit together, or nothing does.
   */
  async rejectMany(requests: RejectRequest[]): Promise<RejectOutcome[]> {
    if (requests.length === 0) return [];
    const attempt = () => this.sql.transaction((tx) => rejectInTransaction(tx, requests));
    try {
      return await attempt();
    } catch (error) {
      // A deadlock with a concurrent close (rows locked in another order) leaves nothing behind: once more.
      if (!isWriteConflict(error)) throw error;
      return attempt();
    }
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

async function rejectInTransaction(tx: Sql, requests: RejectRequest[]): Promise<RejectOutcome[]> {
  const { dialect } = tx;
  const current = new Map<number, { sendoutId: string; state: MessageState }>();
  for (const ids of chunk([...new Set(requests.map((r) => r.messageId))], IN_LIST_LIMIT)) {
    const rows = await tx.all<{ id: number | string; sendout_id: string; state: MessageState }>(
      `SELECT id, sendout_id, state FROM messages WHERE id IN (${dialect.placeholders(ids.length)})${dialect.forUpdate}`,
      ids,
    );
    for (const row of rows) current.set(Number(row.id), { sendoutId: row.sendout_id, state: row.state });
  }
  // In request order: the first of two rejects of one message changes it, the second finds it REJECTED.
  const reasons = new Map<number, string>();
  const outcomes = requests.map(({ sendoutId, messageId, reason }): RejectOutcome => {
    const row = current.get(messageId);
    if (!row || row.sendoutId !== sendoutId) return { changed: false, state: undefined };
    if (!REJECTABLE.includes(row.state)) return { changed: false, state: row.state };
    row.state = MessageState.REJECTED;
    reasons.set(messageId, reason ?? DEFAULT_REJECT_REASON);
    return { changed: true, state: MessageState.REJECTED };
  });
  const now = dialect.timestamp(new Date());
  for (const ids of chunk([...reasons.keys()], IN_LIST_LIMIT)) {
    const distinct = new Set(ids.map((id) => reasons.get(id)));
    const [reasonSql, reasonParams] =
      distinct.size === 1
        ? ['?', [reasons.get(ids[0])]]
        : [`CASE id ${ids.map(() => 'WHEN ? THEN ?').join(' ')} END`, ids.flatMap((id) => [id, reasons.get(id)])];
    const changed = await tx.run(
      `UPDATE messages SET state = ?, reason = ${reasonSql}, updated_at = ?
       WHERE id IN (${dialect.placeholders(ids.length)}) AND state IN (${dialect.placeholders(REJECTABLE.length)})`,
      [MessageState.REJECTED, ...reasonParams, now, ...ids, ...REJECTABLE],
    );
    // The rows are locked since they were read: a difference means the answers above would be wrong.
    if (changed !== ids.length) throw new Error(`reject batch: ${changed} of ${ids.length} messages changed after they were read`);
  }
  if (reasons.size > 0) await recordFeedback(tx, FeedbackEvent.EXCLUDE, { messageIds: [...reasons.keys()] });
  return outcomes;
}

/** A lost deadlock or lock wait (MySQL), or another SQLite connection that wrote first: retrying is the remedy. */
function isWriteConflict(error: unknown): boolean {
  const code = (error as { driverError?: { code?: unknown } })?.driverError?.code ?? (error as { code?: unknown })?.code;
  return isLockConflict(error) || (typeof code === 'string' && code.startsWith('SQLITE_BUSY'));
}
