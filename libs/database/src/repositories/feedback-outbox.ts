/**
 * The feedback outbox: one `feedback_deliveries` row per message status change and feedback
 * webhook of its sendout, written by one INSERT ... SELECT inside the transaction of the UPDATE
 * that made the change. The rows select messages by the state they are in now, so the statement
 * is idempotent (the unique (message, webhook, event) key keeps a repeat out) and needs no list
 * of which rows the UPDATE changed. Sendouts without feedback webhooks join nothing.
 *
 * The same outbox carries the notifyUrl push of the email API: a message of a request with a
 * notifyUrl that reaches a final state queues one `notify` row (see OutboxTarget).
 */
import { FEEDBACK_EVENT_STATES, FINAL_REPORT_STATES, FeedbackDeliveryState, FeedbackEvent, MessageState } from '@sendgate/domain';
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
 * Which messages changed: a list of ids, every message of a sendout now in the event's state (those
 * of contacts above `afterContactId` when given: one generated page), or the messages of ESP
 * callback events reporting the event (their failure type, code and reason then come from each
 * event; a `failure` given still overrides them).
 */
export type OutboxSelection = { messageIds: number[] } | { sendoutId: string; afterContactId?: number } | { espEventIds: number[] };

/** The outbox row's target: a feedback webhook, or the notifyUrl of an email API request. */
export type OutboxTarget = 'webhook' | 'notify';

/** The event of a notifyUrl push row: one per message, queued when its report is final. */
export const REPORT_PUSH_EVENT = 'report';

/**
 * Queues `event` for the messages of `selection` that are in the event's state, to the sendout's
 * feedback webhooks; when those states are final, it also queues one report push per message of a
 * request with a notifyUrl (in the same statement: a sendout without either joins nothing). Call
 * it with the transaction's `Sql`, after the UPDATE. Answers how many rows it queued.
 */
export async function recordFeedback(
  sql: Sql,
  event: FeedbackEvent,
  selection: OutboxSelection,
  failure: FeedbackFailure = {},
  options: OutboxOptions = {},
): Promise<number> {
  const states = FEEDBACK_EVENT_STATES[event];
  const finalStates = states.filter((state) => FINAL_REPORT_STATES.includes(state));
  return queue(sql, selection, options, [
    { target: 'webhook', event, states, failure },
    ...(finalStates.length > 0 ? [{ target: 'notify' as const, event, states: finalStates }] : []),
  ]);
}

/**
 * Queues the report push of the messages of `selection` now in one of `states` (final ones only),
 * for the state changes that report no feedback event (a cancel).
 */
export async function recordReportPush(sql: Sql, states: MessageState[], selection: OutboxSelection, options: OutboxOptions = {}) {
  const finalStates = states.filter((state) => FINAL_REPORT_STATES.includes(state));
  if (finalStates.length === 0 || 'espEventIds' in selection) return 0;
  return queue(sql, selection, options, [{ target: 'notify', states: finalStates }]);
}

type OutboxPart =
  | { target: 'webhook'; event: FeedbackEvent; states: MessageState[]; failure: FeedbackFailure }
  /** `event` narrows ESP callback selections to the events reporting it. */
  | { target: 'notify'; event?: FeedbackEvent; states: MessageState[] };

/**
 * One INSERT ... SELECT [UNION ALL SELECT] per bounded slice of the selection. A list of ids drives
 * each SELECT's join, in the order written: MariaDB had started from the small
 * sendout_feedback_webhooks table and read the sendout's messages by (sendout_id, state), every one
 * already SENT, to find a batch of 100 by id, so each outcome batch of a sendout with feedback cost
 * more than the one before: over a 50,000-message sendout the outbox rows cost it 94 µs of CPU a
 * message, 29 µs once joined from the batch.
 */
async function queue(sql: Sql, selection: OutboxSelection, options: OutboxOptions, parts: OutboxPart[]): Promise<number> {
  const { dialect } = sql;
  const at = new Date();
  const now = dialect.timestamp(at);
  const due = dialect.timestamp(new Date(at.getTime() + (options.dueInMs ?? 0)));
  const insert = async (where: string, whereParams: unknown[], { fromEvents = false, idList = true } = {}) => {
    // a list of ids drives the join; a whole sendout's messages are left to the planner
    const order = idList ? dialect.straightJoin : '';
    const selects: string[] = [];
    const params: unknown[] = [];
    for (const part of parts) {
      const source = fromEvents ? 'esp_events e JOIN messages m ON m.id = e.message_id' : 'messages m';
      const eventFilter = fromEvents ? ' AND e.status = ?' : '';
      const eventParams = fromEvents ? [part.event] : [];
      if (part.target === 'webhook') {
        selects.push(
          `SELECT ${order} ${dialect.randomId()}, s.account_id, w.webhook_id, m.sendout_id, m.id, ?, ${
            fromEvents
              ? 'COALESCE(?, e.failure_type), COALESCE(?, e.failure_code), COALESCE(?, e.failure_reason, m.reason)'
              : '?, ?, COALESCE(?, m.reason)'
          }, ?, 0, ?, ?, 'webhook'
           FROM ${source}
           JOIN sendout_feedback_webhooks w ON w.sendout_id = m.sendout_id
           JOIN sendouts s ON s.id = m.sendout_id
           WHERE ${where}${eventFilter} AND m.state IN (${dialect.placeholders(part.states.length)})`,
        );
        params.push(
          part.event,
          part.failure.type ?? null,
          part.failure.code?.slice(0, 64) ?? null,
          part.failure.reason?.slice(0, 500) ?? null,
          FeedbackDeliveryState.PENDING,
          due,
          now,
          ...whereParams,
          ...eventParams,
          ...part.states,
        );
      } else {
        // the bulk's sendout id is the target's id: one push per message, whatever final state it reached
        selects.push(
          `SELECT ${order} ${dialect.randomId()}, b.account_id, b.sendout_id, m.sendout_id, m.id,
             ?, NULL, NULL, NULL, ?, 0, ?, ?, 'notify'
           FROM ${source}
           JOIN email_bulks b ON b.sendout_id = m.sendout_id
           WHERE ${where}${eventFilter} AND b.notify_url IS NOT NULL AND m.state IN (${dialect.placeholders(part.states.length)})`,
        );
        params.push(REPORT_PUSH_EVENT, FeedbackDeliveryState.PENDING, due, now, ...whereParams, ...eventParams, ...part.states);
      }
    }
    return sql.run(
      `${dialect.insertIgnore} INTO feedback_deliveries
         (request_id, account_id, webhook_id, sendout_id, message_id, event, failure_type, failure_code, failure_reason,
          state, attempts, next_attempt_at, created_at, target)
       ${selects.join(' UNION ALL ')}`,
      params,
    );
  };
  if ('sendoutId' in selection) {
    const { sendoutId, afterContactId } = selection;
    if (afterContactId === undefined) return insert('m.sendout_id = ?', [sendoutId], { idList: false });
    return insert('m.sendout_id = ? AND m.contact_id > ?', [sendoutId, afterContactId], { idList: false });
  }
  let queued = 0;
  if ('espEventIds' in selection) {
    for (const ids of chunk(selection.espEventIds, IN_LIST_LIMIT)) {
      queued += await insert(`e.id IN (${dialect.placeholders(ids.length)})`, ids, { fromEvents: true });
    }
    return queued;
  }
  for (const ids of chunk(selection.messageIds, IN_LIST_LIMIT)) {
    queued += await insert(`m.id IN (${dialect.placeholders(ids.length)})`, ids);
  }
  return queued;
}
