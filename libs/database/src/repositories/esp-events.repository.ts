/**
 * ESP delivery callbacks, as received and as applied. Ingestion is one multi-row INSERT IGNORE per
 * slice (the unique (integration_id, dedupe_hash) key makes the same callback twice one row); the
 * apply step is a handful of set-based statements in one transaction per slice of events: match
 * them to messages of the integration's own sendouts, move the messages, queue their feedback in
 * the outbox, suppress the addresses a permanent bounce or a complaint names, and mark the events.
 * Events whose message is not SENT yet stay PENDING and are applied by a later pass, in the order
 * the statuses go (delivered, then a late bounce).
 */
import { FeedbackEvent, MessageState, SuppressionReason, groupBy, suppressionOfBounce } from '@sendgate/domain';
import { Sql, chunk, readTimestamp, retryLockConflicts } from '../sql';
import { recordFeedback } from './feedback-outbox';
import { suppressMessageAddresses } from './suppressions.repository';

export enum EspEventState {
  PENDING = 'PENDING',
  APPLIED = 'APPLIED',
  /** No message of the integration's sendouts matched within the window. */
  UNMATCHED = 'UNMATCHED',
  /** Its status maps to nothing, or its message was already past the state it reports. */
  IGNORED = 'IGNORED',
}

export const ESP_EVENT_STATES = Object.values(EspEventState);

/** An event as extracted from a callback (see @sendgate/esp feedback-mapping). */
export interface ReceivedEspEvent {
  espMessageId?: string;
  idempotencyKey?: string;
  status: string;
  espStatus: string | null;
  type: string | null;
  code: string | null;
  reason: string | null;
  dedupeHash: string;
}

export interface EspEventRecord {
  id: number;
  espMessageId: string | null;
  idempotencyKey: string | null;
  status: string;
  espStatus: string | null;
  failureType: string | null;
  failureCode: string | null;
  failureReason: string | null;
  state: EspEventState;
  messageId: number | null;
  receivedAt: Date;
  appliedAt: Date | null;
}

/** What each mapped status moves, from which states, and the feedback event it reports. */
const MOVES = [
  { status: 'delivered', from: [MessageState.SENT], to: MessageState.DELIVERED, event: FeedbackEvent.DELIVERED },
  // a bounce may come after the delivery report (an asynchronous bounce)
  { status: 'bounce', from: [MessageState.SENT, MessageState.DELIVERED], to: MessageState.BOUNCED, event: FeedbackEvent.BOUNCE },
  { status: 'error', from: [MessageState.SENT], to: MessageState.FAILED, event: FeedbackEvent.ERROR },
] as const;

/** States before SENT: an event for such a message waits for it. */
const NOT_YET_SENT = [MessageState.GENERATED, MessageState.GATED, MessageState.ACCEPTED, MessageState.SENDING];

const INSERT_SLICE = 500;
const APPLY_SLICE = 500;

export class EspEventsRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Stores the events of one callback, skipping those already received. Answers how many were new
   * and the ids of the integration's events among them still PENDING (new ones, or repeats not yet applied).
   */
  async receive(
    integration: { id: string; accountId: string },
    events: ReceivedEspEvent[],
  ): Promise<{ inserted: number; pending: number[] }> {
    const { dialect } = this.sql;
    const now = dialect.timestamp(new Date());
    let inserted = 0;
    const pending: number[] = [];
    for (const slice of chunk(events, INSERT_SLICE)) {
      inserted += await retryLockConflicts(() =>
        this.sql.run(
          `${dialect.insertIgnore} INTO esp_events
           (integration_id, account_id, dedupe_hash, esp_message_id, idempotency_key, status, esp_status,
            failure_type, failure_code, failure_reason, state, received_at)
         VALUES ${slice.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          slice.flatMap((e) => [
            integration.id,
            integration.accountId,
            e.dedupeHash,
            e.espMessageId ?? null,
            e.idempotencyKey ?? null,
            e.status,
            e.espStatus,
            e.type,
            e.code,
            e.reason,
            EspEventState.PENDING,
            now,
          ]),
        ),
      );
      const hashes = [...new Set(slice.map((e) => e.dedupeHash))];
      const rows = await this.sql.all<{ id: number | string }>(
        `SELECT id FROM esp_events WHERE integration_id = ? AND dedupe_hash IN (${dialect.placeholders(hashes.length)}) AND state = ?`,
        [integration.id, ...hashes, EspEventState.PENDING],
      );
      pending.push(...rows.map((r) => Number(r.id)));
    }
    return { inserted, pending };
  }

  /**
   * Applies the PENDING events among `ids`; one transaction per slice, in id order. Answers how many
   * were settled (APPLIED or IGNORED); the others wait for their message.
   */
  async apply(ids: number[]): Promise<number> {
    let settled = 0;
    for (const slice of chunk(
      [...ids].sort((a, b) => a - b),
      APPLY_SLICE,
    )) {
      settled += await retryLockConflicts(() => this.sql.transaction((tx) => applySlice(tx, slice), { readCommitted: true }));
    }
    return settled;
  }

  /** A keyset page of the ids of PENDING events, for the periodic applier. */
  async pendingIds(afterId: number, limit: number): Promise<number[]> {
    const rows = await this.sql.all<{ id: number | string }>('SELECT id FROM esp_events WHERE state = ? AND id > ? ORDER BY id LIMIT ?', [
      EspEventState.PENDING,
      afterId,
      limit,
    ]);
    return rows.map((r) => Number(r.id));
  }

  /** PENDING events received before `cutoff` that still match no message become UNMATCHED. */
  async markUnmatched(cutoff: Date): Promise<number> {
    return this.sql.run('UPDATE esp_events SET state = ? WHERE state = ? AND message_id IS NULL AND received_at < ?', [
      EspEventState.UNMATCHED,
      EspEventState.PENDING,
      this.sql.dialect.timestamp(cutoff),
    ]);
  }

  /** A keyset page of an integration's events, oldest first, those in `state` when given. */
  async list(integrationId: string, limit: number, afterId = 0, state?: EspEventState): Promise<EspEventRecord[]> {
    const rows = await this.sql.all<{
      id: number | string;
      esp_message_id: string | null;
      idempotency_key: string | null;
      status: string;
      esp_status: string | null;
      failure_type: string | null;
      failure_code: string | null;
      failure_reason: string | null;
      state: EspEventState;
      message_id: number | string | null;
      received_at: Date | string;
      applied_at: Date | string | null;
    }>(
      `SELECT id, esp_message_id, idempotency_key, status, esp_status, failure_type, failure_code, failure_reason, state, message_id,
              received_at, applied_at
       FROM esp_events WHERE integration_id = ?${state ? ' AND state = ?' : ''} AND id > ? ORDER BY id LIMIT ?`,
      state ? [integrationId, state, afterId, limit] : [integrationId, afterId, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      espMessageId: r.esp_message_id,
      idempotencyKey: r.idempotency_key,
      status: r.status,
      espStatus: r.esp_status,
      failureType: r.failure_type,
      failureCode: r.failure_code,
      failureReason: r.failure_reason,
      state: r.state,
      messageId: r.message_id === null ? null : Number(r.message_id),
      receivedAt: readTimestamp(r.received_at),
      appliedAt: r.applied_at === null ? null : readTimestamp(r.applied_at),
    }));
  }
}

async function applySlice(tx: Sql, ids: number[]): Promise<number> {
  const { dialect } = tx;
  const inIds = `id IN (${dialect.placeholders(ids.length)})`;
  const eInIds = `e.id IN (${dialect.placeholders(ids.length)})`;
  const now = dialect.timestamp(new Date());
  const integer = dialect.kind === 'mysql' ? 'UNSIGNED' : 'INTEGER';

  // Match, always within the integration's own sendouts: by the ESP's message id, else by the
  // Idempotency-Key Sendgate sent (<sendoutId>:<contactId>, the messages' unique key). The ESP ids
  // are looked up as a list of values: mostly-NULL esp_message_id columns make a correlated lookup
  // look unselective to MySQL's optimizer, which then scans the sendouts' messages instead.
  const unmatched = await tx.all<{ id: number | string; integration_id: string; esp_message_id: string }>(
    `SELECT id, integration_id, esp_message_id FROM esp_events
     WHERE ${inIds} AND state = ? AND message_id IS NULL AND esp_message_id IS NOT NULL`,
    [...ids, EspEventState.PENDING],
  );
  const byIntegration = groupBy(
    unmatched.map((e) => ({ id: Number(e.id), integrationId: e.integration_id, espMessageId: e.esp_message_id })),
    (e) => e.integrationId,
  );
  for (const [integrationId, events] of byIntegration) {
    const espIds = [...new Set(events.map((e) => e.espMessageId))];
    const found = await tx.all<{ id: number | string; esp_message_id: string }>(
      `SELECT MIN(m.id) AS id, m.esp_message_id FROM messages m JOIN sendouts s ON s.id = m.sendout_id
       WHERE m.esp_message_id IN (${dialect.placeholders(espIds.length)}) AND s.integration_id = ? GROUP BY m.esp_message_id`,
      [...espIds, integrationId],
    );
    const messageOf = new Map(found.map((r) => [r.esp_message_id, Number(r.id)]));
    const matches = events.filter((e) => messageOf.has(e.espMessageId));
    if (matches.length === 0) continue;
    await tx.run(
      `UPDATE esp_events SET message_id = CASE id ${matches.map(() => 'WHEN ? THEN ?').join(' ')} END
       WHERE id IN (${dialect.placeholders(matches.length)})`,
      [...matches.flatMap((e) => [e.id, messageOf.get(e.espMessageId)]), ...matches.map((e) => e.id)],
    );
  }
  await tx.run(
    `UPDATE esp_events SET message_id = (
       SELECT m.id FROM messages m JOIN sendouts s ON s.id = m.sendout_id
       WHERE m.sendout_id = SUBSTR(esp_events.idempotency_key, 1, 36)
         AND m.contact_id = CAST(SUBSTR(esp_events.idempotency_key, 38) AS ${integer})
         AND s.integration_id = esp_events.integration_id)
     WHERE ${inIds} AND state = ? AND message_id IS NULL AND idempotency_key IS NOT NULL`,
    [...ids, EspEventState.PENDING],
  );

  // Move the messages, each status in turn, and queue the feedback of each move in the same
  // transaction. The messages are updated by id (read first, sorted): the UPDATE locks those rows only.
  const matched = await tx.all<{ message_id: number | string; status: string }>(
    `SELECT DISTINCT e.message_id, e.status FROM esp_events e WHERE ${eInIds} AND e.state = ? AND e.message_id IS NOT NULL`,
    [...ids, EspEventState.PENDING],
  );
  for (const move of MOVES) {
    const messageIds = matched
      .filter((r) => r.status === move.status)
      .map((r) => Number(r.message_id))
      .sort((a, b) => a - b);
    if (messageIds.length === 0) continue;
    const failed = move.event !== FeedbackEvent.DELIVERED;
    const reason = failed
      ? `, reason = (SELECT COALESCE(e.failure_reason, e.esp_status) FROM esp_events e
           WHERE e.message_id = messages.id AND ${eInIds} AND e.status = ? ORDER BY e.id LIMIT 1)`
      : '';
    await tx.run(
      `UPDATE messages SET state = ?, updated_at = ?${reason}
       WHERE id IN (${dialect.placeholders(messageIds.length)}) AND state IN (${dialect.placeholders(move.from.length)})`,
      [move.to, now, ...(failed ? [...ids, move.status] : []), ...messageIds, ...move.from],
    );
    await recordFeedback(tx, move.event, { espEventIds: ids });
  }
  await suppressBounced(tx, ids);

  // Mark: APPLIED when the message is in the state the event reports; IGNORED when the status maps
  // to nothing or the message is past it; left PENDING while the message is not sent yet (or unknown).
  const messageState = `COALESCE((SELECT m.state FROM messages m WHERE m.id = esp_events.message_id), 'GONE')`;
  const reported = `CASE status ${MOVES.map(() => 'WHEN ? THEN ?').join(' ')} END`;
  const reportedParams = MOVES.flatMap((m) => [m.status, m.to]);
  return tx.run(
    `UPDATE esp_events SET
       state = CASE WHEN status <> 'unmapped' AND ${messageState} = ${reported} THEN ? ELSE ? END,
       applied_at = ?
     WHERE ${inIds} AND state = ?
       AND (status = 'unmapped' OR (message_id IS NOT NULL AND ${messageState} NOT IN (${dialect.placeholders(NOT_YET_SENT.length)})))`,
    [...reportedParams, EspEventState.APPLIED, EspEventState.IGNORED, now, ...ids, EspEventState.PENDING, ...NOT_YET_SENT],
  );
}

/** The source each reason's entries carry, before the message id. */
const BOUNCE_SOURCES = { complaint: 'complaint on message ', hard_bounce: 'bounce of message ' } satisfies Partial<
  Record<SuppressionReason, string>
>;

/**
 * The slice's matched bounces add their addresses to the account's suppression list: a complaint as
 * `complaint`, a permanent bounce as `hard_bounce` (suppressionOfBounce reads the failure), a soft
 * one nothing. One INSERT IGNORE … SELECT per reason; complaints go first, so a message reported
 * both ways in one slice is listed as the complaint. An event left PENDING (its message not sent
 * yet) runs this again on its next pass, which the unique key makes harmless.
 */
async function suppressBounced(tx: Sql, ids: number[]): Promise<void> {
  const bounces = await tx.all<{
    message_id: number | string;
    failure_type: string | null;
    failure_code: string | null;
    failure_reason: string | null;
  }>(
    `SELECT message_id, failure_type, failure_code, failure_reason FROM esp_events
     WHERE id IN (${tx.dialect.placeholders(ids.length)}) AND state = ? AND status = 'bounce' AND message_id IS NOT NULL`,
    [...ids, EspEventState.PENDING],
  );
  const byReason = groupBy(bounces, (e) => suppressionOfBounce({ type: e.failure_type, code: e.failure_code, reason: e.failure_reason }));
  for (const reason of ['complaint', 'hard_bounce'] as const satisfies SuppressionReason[]) {
    const messageIds = [...new Set((byReason.get(reason) ?? []).map((e) => Number(e.message_id)))].sort((a, b) => a - b);
    if (messageIds.length === 0) continue;
    await suppressMessageAddresses(tx, messageIds, reason, { prefix: BOUNCE_SOURCES[reason], column: 'm.id' });
  }
}
