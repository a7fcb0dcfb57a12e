/** A feedback delivery (an outbox row) as tests write it straight to the database, in any state. */
import { randomBytes, randomUUID } from 'node:crypto';
import { FeedbackDeliveryState, FeedbackEvent } from '../libs/domain/src/feedback';
import { Sql } from '../libs/database/src/sql';

export interface FeedbackDeliveryFields {
  accountId: string;
  webhookId: string;
  messageId: number;
  state: FeedbackDeliveryState;
  event?: FeedbackEvent;
  sendoutId?: string;
  attempts?: number;
  lastStatus?: number | null;
  lastError?: string | null;
  leaseUntil?: Date | null;
  nextAttemptAt?: Date;
}

/** Inserts the row; answers its id and requestId. */
export async function insertFeedbackDelivery(sql: Sql, fields: FeedbackDeliveryFields): Promise<{ id: number; requestId: string }> {
  const requestId = randomBytes(16).toString('hex');
  const { dialect } = sql;
  const now = new Date();
  await sql.run(
    `INSERT INTO feedback_deliveries
       (request_id, account_id, webhook_id, sendout_id, message_id, event, state, attempts, next_attempt_at, lease_until,
        last_status, last_error, created_at, delivered_at)
     VALUES (${dialect.placeholders(14)})`,
    [
      requestId,
      fields.accountId,
      fields.webhookId,
      fields.sendoutId ?? randomUUID(),
      fields.messageId,
      fields.event ?? FeedbackEvent.SENT,
      fields.state,
      fields.attempts ?? 0,
      dialect.timestamp(fields.nextAttemptAt ?? now),
      fields.leaseUntil ? dialect.timestamp(fields.leaseUntil) : null,
      fields.lastStatus ?? null,
      fields.lastError ?? null,
      dialect.timestamp(now),
      fields.state === FeedbackDeliveryState.DELIVERED ? dialect.timestamp(now) : null,
    ],
  );
  const row = await sql.one<{ id: number | string }>('SELECT id FROM feedback_deliveries WHERE request_id = ?', [requestId]);
  return { id: Number(row!.id), requestId };
}
