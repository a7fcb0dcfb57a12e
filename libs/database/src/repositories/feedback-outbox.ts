/**
 * The feedback outbox: one `feedback_deliveries` row per message status change and feedback
 * webhook of its sendout, written by one INSERT ... SELECT inside the transaction of the UPDATE
 * that made the change. The rows select messages by the state they are in now, so the statement
 * is idempotent (the unique (message, webhook, event) key keeps a repeat out) and needs no list
 * of which rows the UPDATE changed. Sendouts without feedback webhooks join nothing.
 */
import { FEEDBACK_EVENT_STATES, FeedbackDeliveryState, FeedbackEvent } from '@sendgate/domain';
import { Sql, chunk } from '../sql';

const IN_LIST_LIMIT = 1_000;

export interface FeedbackFailure {
  type?: string | null;
  code?: string | null;
  /** When absent, the message's own `reason` is reported. */
  reason?: string | null;
}

export interface OutboxOptions {
  /**
   * When the dispatcher may first take the rows, from now (default 0). The send path's own events
   * are left to the sendout's fan-out step for a while, so delivery does not compete with sending.
   */
  dueInMs?: number;
}

/**
 * Which messages changed: a list of ids, every message of a sendout now in the event's state, or
 * the messages of ESP callback events reporting the event (their failure type, code and reason
 * then come from each event; a `failure` given still overrides them).
 */
export type OutboxSelection = { messageIds: number[] } | { sendoutId: string } | { espEventIds: number[] };

/**
 * Queues `event` for the messages of `selection` that are in the event's state. Call it with the
 * transaction's `Sql`, after the UPDATE. Answers how many rows it queued.
 */
export async function recordFeedback(
  sql: Sql,
  event: FeedbackEvent,
  selection: OutboxSelection,
  failure: FeedbackFailure = {},
  options: OutboxOptions = {},
): Promise<number> {
  const { dialect } = sql;
  const states = FEEDBACK_EVENT_STATES[event];
  const at = new Date();
  const now = dialect.timestamp(at);
  const due = dialect.timestamp(new Date(at.getTime() + (options.dueInMs ?? 0)));
  const insert = (where: string, params: unknown[], fromEvents = false) =>
    sql.run(
      `${dialect.insertIgnore} INTO feedback_deliveries
         (request_id, account_id, webhook_id, sendout_id, message_id, event, failure_type, failure_code, failure_reason,
          state, attempts, next_attempt_at, created_at)
       SELECT ${dialect.randomId()}, s.account_id, w.webhook_id, m.sendout_id, m.id, ?, ${
         fromEvents
           ? 'COALESCE(?, e.failure_type), COALESCE(?, e.failure_code), COALESCE(?, e.failure_reason, m.reason)'
           : '?, ?, COALESCE(?, m.reason)'
       }, ?, 0, ?, ?
       FROM ${fromEvents ? 'esp_events e JOIN messages m ON m.id = e.message_id' : 'messages m'}
       JOIN sendout_feedback_webhooks w ON w.sendout_id = m.sendout_id
       JOIN sendouts s ON s.id = m.sendout_id
       WHERE ${where} AND m.state IN (${dialect.placeholders(states.length)})`,
      [
        event,
        failure.type ?? null,
        failure.code?.slice(0, 64) ?? null,
        failure.reason?.slice(0, 500) ?? null,
        FeedbackDeliveryState.PENDING,
        due,
        now,
        ...params,
        ...states,
      ],
    );
  if ('sendoutId' in selection) return insert('m.sendout_id = ?', [selection.sendoutId]);
  let queued = 0;
  if ('espEventIds' in selection) {
    for (const ids of chunk(selection.espEventIds, IN_LIST_LIMIT)) {
      queued += await insert(`e.id IN (${dialect.placeholders(ids.length)}) AND e.status = ?`, [...ids, event], true);
    }
    return queued;
  }
  for (const ids of chunk(selection.messageIds, IN_LIST_LIMIT)) {
    queued += await insert(`m.id IN (${dialect.placeholders(ids.length)})`, ids);
  }
  return queued;
}
