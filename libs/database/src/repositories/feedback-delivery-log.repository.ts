/**
 * The delivery history of one feedback webhook as its account reads it: keyset pages over
 * `feedback_deliveries` (newest first, on the (webhook_id, state, id) index), and the redelivery of
 * a dead row, which puts it back in the dispatcher's queue with its requestId and attempts kept, so
 * the receiver sees the same requestId again and can tell a retry from a new event.
 */
import { FeedbackDeliveryState, FeedbackEvent } from '@sendgate/domain';
import { Sql, readTimestamp } from '../sql';

export interface FeedbackDeliveryRecord {
  id: number;
  requestId: string;
  messageId: number;
  sendoutId: string;
  event: FeedbackEvent;
  state: FeedbackDeliveryState;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface FeedbackDeliveryPage {
  deliveries: FeedbackDeliveryRecord[];
  /** The id to pass as `after` for the next (older) page; null on the last one. */
  next: number | null;
}

export type RedeliverOutcome =
  { kind: 'queued'; delivery: FeedbackDeliveryRecord } | { kind: 'missing' } | { kind: 'not-dead'; state: FeedbackDeliveryState };

interface DeliveryRow {
  id: number | string;
  request_id: string;
  message_id: number | string;
  sendout_id: string;
  event: string;
  state: string;
  attempts: number | string;
  last_status: number | string | null;
  last_error: string | null;
  next_attempt_at: Date | string;
  created_at: Date | string;
  delivered_at: Date | string | null;
}

const COLUMNS =
  'id, request_id, message_id, sendout_id, event, state, attempts, last_status, last_error, next_attempt_at, created_at, delivered_at';

export class FeedbackDeliveryLogRepository {
  constructor(private readonly sql: Sql) {}

  /** The webhook's deliveries, newest first, those with an id below `after` when given; every query is scoped to the account. */
  async list(
    accountId: string,
    webhookId: string,
    page: { state?: FeedbackDeliveryState; after?: number; limit: number },
  ): Promise<FeedbackDeliveryPage> {
    const where = ['webhook_id = ?', 'account_id = ?'];
    const params: unknown[] = [webhookId, accountId];
    if (page.state !== undefined) {
      where.push('state = ?');
      params.push(page.state);
    }
    if (page.after !== undefined) {
      where.push('id < ?');
      params.push(page.after);
    }
    // One row more than asked for tells whether there is a next page.
    const rows = await this.sql.all<DeliveryRow>(
      `SELECT ${COLUMNS} FROM feedback_deliveries WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`,
      [...params, page.limit + 1],
    );
    const deliveries = rows.slice(0, page.limit).map(toRecord);
    return { deliveries, next: rows.length > page.limit ? deliveries[deliveries.length - 1].id : null };
  }

  async find(accountId: string, webhookId: string, id: number): Promise<FeedbackDeliveryRecord | undefined> {
    const row = await this.sql.one<DeliveryRow>(
      `SELECT ${COLUMNS} FROM feedback_deliveries WHERE id = ? AND webhook_id = ? AND account_id = ?`,
      [id, webhookId, accountId],
    );
    return row ? toRecord(row) : undefined;
  }

  /**
   * Puts a DEAD delivery back in the queue: PENDING, due now, no lease; its attempts and requestId
   * stay. Any other state is left alone (a pending one is already queued, a delivered one arrived).
   */
  async redeliver(accountId: string, webhookId: string, id: number, now = new Date()): Promise<RedeliverOutcome> {
    const changed = await this.sql.run(
      `UPDATE feedback_deliveries SET state = ?, next_attempt_at = ?, lease_until = NULL, lease_token = NULL
       WHERE id = ? AND webhook_id = ? AND account_id = ? AND state = ?`,
      [FeedbackDeliveryState.PENDING, this.sql.dialect.timestamp(now), id, webhookId, accountId, FeedbackDeliveryState.DEAD],
    );
    const delivery = await this.find(accountId, webhookId, id);
    if (!delivery) return { kind: 'missing' };
    return changed > 0 ? { kind: 'queued', delivery } : { kind: 'not-dead', state: delivery.state };
  }
}

function toRecord(row: DeliveryRow): FeedbackDeliveryRecord {
  return {
    id: Number(row.id),
    requestId: row.request_id,
    messageId: Number(row.message_id),
    sendoutId: row.sendout_id,
    event: row.event as FeedbackEvent,
    state: row.state as FeedbackDeliveryState,
    attempts: Number(row.attempts),
    lastStatusCode: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    nextAttemptAt: readTimestamp(row.next_attempt_at),
    createdAt: readTimestamp(row.created_at),
    deliveredAt: row.delivered_at === null ? null : readTimestamp(row.delivered_at),
  };
}
