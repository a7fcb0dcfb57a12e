/**
 * The hot paths of a sendout, all set-based: generation (MessageGeneration, its base) is one
 * INSERT ... SELECT per keyset page, claims and outcomes are one UPDATE per batch, each conditional
 * on the current state so that concurrent actors cannot both win.
 */
import { FINAL_REPORT_STATES, FeedbackEvent, GateState, MessageCounts, MessageState, feedbackEventFor, groupBy } from '@sendgate/domain';
import { Sql, chunk, retryLockConflicts } from '../sql';
import { FeedbackOption } from './generated-state';
import { MessageGeneration } from './message-generation';
import { FeedbackFailure, OutboxSelection, recordFeedback, recordReportPush } from './feedback-outbox';

export interface SendableMessage {
  id: number;
  contactId: number;
  idempotencyKey: string;
  externalId: string;
  email: string | null;
  phone: string | null;
  attributes: Record<string, unknown>;
  /** What the integrator attached to this contact at the gate. */
  gateData: Record<string, unknown>;
  /** For a sendout of the email API: the client-visible messageId and the recipient's placeholders. */
  emailMessageId?: string;
  placeholders?: Record<string, unknown>;
}

export interface FailedMessage {
  id: number;
  reason: string;
}

export type IdRange = [fromId: number, toId: number];

/** A message of a sendout with its contact, as the gate's item file and the path listings show it. */
export interface ContactMessage {
  messageId: number;
  externalId: string;
  email: string | null;
  phone: string | null;
  reason: string | null;
}

const IN_LIST_LIMIT = 1_000;
/**
 * The smallest page a plan spreads a short rest into: below it, a page's own costs (its activity,
 * its claims, its count) outweigh the lanes it adds.
 */
const MIN_SPREAD_PAGE = 250;

/**
 * The send path's sent and error events are the sendout's own to deliver (its follower beside the
 * pages, bounded to one batch in flight, then its fan-out step when sending is done); the feedback
 * dispatcher takes them only this long after they were queued, when neither did (the sendout
 * failed, its worker is gone). Meanwhile the dispatcher does not compete with sending.
 */
export const FANOUT_GRACE_MS = 5 * 60_000;

/**
 * What an event's body reports as the failure: an error is typed 'Error', with the ESP's status as
 * its code when the reason quotes one; the reason itself is the message's own.
 */
function failureOf(event: FeedbackEvent, reason: string | null): FeedbackFailure {
  if (event !== FeedbackEvent.ERROR) return {};
  return { type: 'Error', code: /^ESP answered (\d{3})\b/.exec(reason ?? '')?.[1] ?? null };
}

export class MessagesRepository extends MessageGeneration {
  /**
   * Runs a state change and, when the sendout has feedback on and `to` reports an event, queues
   * that event for the changed messages in the same transaction.
   */
  private async changeWithFeedback(
    options: FeedbackOption,
    to: MessageState,
    selection: OutboxSelection,
    change: (sql: Sql) => Promise<number>,
    dueInMs = 0,
    reason: string | null = null,
  ): Promise<number> {
    const event = feedbackEventFor(to);
    // a final state without a feedback event (a cancel) still queues the notifyUrl report push
    const pushOnly = !event && FINAL_REPORT_STATES.includes(to);
    const queues = options.feedback && (event || pushOnly);
    if (!queues && 'messageIds' in selection && this.sql.dialect.kind === 'mysql') {
      // Nothing to queue beside it, and the change is by primary key: one statement in autocommit
      // locks only the rows it names, at either isolation level, without the three round trips of
      // a transaction (the send path records every batch of outcomes this way). A SQLite
      // transaction of another caller may be open on its one connection, so there it stays one.
      return retryLockConflicts(() => change(this.sql));
    }
    // At READ COMMITTED a range UPDATE locks the rows it changes, not the next key past its range:
    // under MySQL's default a gate's release (GATED, ids a…b) locked the first SENDING entry after
    // it and deadlocked with that message's outcome. A loser runs again (every change here is
    // conditional on the state): a lost outcome would have its messages posted twice.
    return retryLockConflicts(() =>
      this.sql.transaction(
        async (tx) => {
          const changed = await change(tx);
          if (changed > 0 && queues && event) await recordFeedback(tx, event, selection, failureOf(event, reason), { dueInMs });
          else if (changed > 0 && queues) await recordReportPush(tx, [to], selection, { dueInMs });
          return changed;
        },
        { readCommitted: true },
      ),
    );
  }

  /**
   * Contiguous id ranges of at most `pageSize` messages, after `afterId`, for send pages. When what
   * is left would fill fewer than `spreadOver` pages (a window), it is spread over that many, each
   * of at least MIN_SPREAD_PAGE messages: a small sendout, and a large one's last pages, still have
   * a window of pages, and their requests, in flight.
   */
  planPages(sendoutId: string, afterId: number, pageSize: number, maxPages: number, spreadOver = 1): Promise<IdRange[]> {
    return this.idRanges(sendoutId, '>', afterId, pageSize, maxPages, spreadOver);
  }

  /** The same ranges walking down from `beforeId` (exclusive; from the top when not given). */
  planPagesDownward(sendoutId: string, beforeId = Number.MAX_SAFE_INTEGER, pageSize: number, maxPages: number): Promise<IdRange[]> {
    return this.idRanges(sendoutId, '<', beforeId, pageSize, maxPages);
  }

  private async idRanges(
    sendoutId: string,
    op: '>' | '<',
    bound: number,
    pageSize: number,
    maxPages: number,
    spreadOver = 1,
  ): Promise<IdRange[]> {
    const rows = await this.sql.all<{ id: number | string }>(
      `SELECT id FROM messages WHERE sendout_id = ? AND id ${op} ? ORDER BY id ${op === '>' ? 'ASC' : 'DESC'} LIMIT ?`,
      [sendoutId, bound, pageSize * maxPages],
    );
    const ids = rows.map((r) => Number(r.id));
    // Every id left was read (the LIMIT was not reached) and they would fill fewer pages than spreadOver.
    const spread = ids.length < pageSize * Math.min(spreadOver, maxPages);
    const size = spread ? Math.min(pageSize, Math.max(MIN_SPREAD_PAGE, Math.ceil(ids.length / spreadOver))) : pageSize;
    return chunk(ids, size).map((page) => {
      const [first, last] = [page[0], page[page.length - 1]];
      return [Math.min(first, last), Math.max(first, last)] as IdRange;
    });
  }

  /**
   * Moves a sendout's messages that are still in one of `from` to `to` with a reason, in one
   * conditional UPDATE (within `range` when given): gate outcomes, cancels, exhausted retries.
   */
  async transition(
    sendoutId: string,
    from: MessageState[],
    to: MessageState,
    reason: string | null,
    range?: IdRange,
    options: FeedbackOption = {},
  ): Promise<number> {
    const within = range ? ' AND id BETWEEN ? AND ?' : '';
    // The outbox selects the sendout's messages now in `to`: earlier ones already have their row (unique key).
    return this.changeWithFeedback(options, to, { sendoutId }, (sql) =>
      sql.run(
        `UPDATE messages SET state = ?, reason = ?, updated_at = ?
         WHERE sendout_id = ?${within} AND state IN (${sql.dialect.placeholders(from.length)})`,
        [to, reason?.slice(0, 500) ?? null, sql.dialect.timestamp(new Date()), sendoutId, ...(range ?? []), ...from],
      ),
    );
  }

  /**
   * A keyset page of a sendout's messages with their contacts: those in `state`, or else the gate's
   * items, every message but the EXCLUDED (no address: never offered to the integrator, never sent).
   */
  async contactsPage(sendoutId: string, afterMessageId: number, limit: number, state?: MessageState): Promise<ContactMessage[]> {
    const rows = await this.sql.all<{
      id: number | string;
      external_id: string;
      email: string | null;
      phone: string | null;
      reason: string | null;
    }>(
      `SELECT m.id, c.external_id, c.email, c.phone, m.reason
       FROM messages m ${this.sql.dialect.forceIndex(state ? 'ix_messages_sendout_state_id' : 'ix_messages_sendout_id')}
       JOIN contacts c ON c.id = m.contact_id
       WHERE m.sendout_id = ? AND m.state ${state ? '=' : '<>'} ? AND m.id > ? ORDER BY m.id LIMIT ?`,
      [sendoutId, state ?? MessageState.EXCLUDED, afterMessageId, limit],
    );
    return rows.map((r) => ({ messageId: Number(r.id), externalId: r.external_id, email: r.email, phone: r.phone, reason: r.reason }));
  }

  /**
   * Claims a range for sending: its ACCEPTED messages, and its GATED ones once the gate is decided
   * ACCEPTED (an accepted batch starts sending while its messages are still being released). Only
   * rows still in those states move, so a decision committed first wins, and the gate's row in the
   * database, not the caller, says whether GATED means accepted.
   */
  async claimRange(sendoutId: string, [fromId, toId]: IdRange): Promise<number> {
    // at READ COMMITTED, and run again when it loses a deadlock, as changeWithFeedback's changes
    return retryLockConflicts(() => this.sql.transaction((tx) => this.claimIn(tx, sendoutId, fromId, toId), { readCommitted: true }));
  }

  private claimIn(sql: Sql, sendoutId: string, fromId: number, toId: number): Promise<number> {
    return sql.run(
      `UPDATE messages SET state = ?, attempts = attempts + 1, updated_at = ?
       WHERE sendout_id = ? AND id BETWEEN ? AND ?
         AND (state = ? OR (state = ? AND EXISTS (SELECT 1 FROM sendout_gates g WHERE g.sendout_id = ? AND g.state = ?)))`,
      [
        MessageState.SENDING,
        this.sql.dialect.timestamp(new Date()),
        sendoutId,
        fromId,
        toId,
        MessageState.ACCEPTED,
        MessageState.GATED,
        sendoutId,
        GateState.ACCEPTED,
      ],
    );
  }

  /**
   * The claimed (SENDING) messages of a range with what rendering needs of their contacts, a
   * keyset slice at a time: attributes and gate data can be kilobytes per contact, so a send page
   * holds one slice in memory, not the whole page.
   */
  async loadClaimed(sendoutId: string, [fromId, toId]: IdRange, afterId = fromId - 1, limit = 1_000_000): Promise<SendableMessage[]> {
    const rows = await this.sql.all<{
      id: number | string;
      contact_id: number | string;
      idempotency_key: string;
      external_id: string;
      email: string | null;
      phone: string | null;
      attributes: string | null;
      gate_data: string | null;
      email_message_id: string | null;
      placeholders: string | null;
    }>(
      // An email API recipient is sent to the address the request gave (the contact is only keyed by it).
      `SELECT m.id, m.contact_id, m.idempotency_key, c.external_id, COALESCE(em.to_address, c.email) AS email, c.phone, c.attributes,
         g.data AS gate_data, em.message_id AS email_message_id, em.placeholders
       FROM messages m JOIN contacts c ON c.id = m.contact_id
       LEFT JOIN gate_data g ON g.sendout_id = m.sendout_id AND g.external_id = c.external_id
       LEFT JOIN email_messages em ON em.sendout_id = m.sendout_id AND em.contact_id = m.contact_id
       WHERE m.sendout_id = ? AND m.id BETWEEN ? AND ? AND m.id > ? AND m.state = ?
       ORDER BY m.id LIMIT ?`,
      [sendoutId, fromId, toId, afterId, MessageState.SENDING, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      contactId: Number(r.contact_id),
      idempotencyKey: r.idempotency_key,
      externalId: r.external_id,
      email: r.email,
      phone: r.phone,
      attributes: r.attributes ? JSON.parse(r.attributes) : {},
      gateData: r.gate_data ? JSON.parse(r.gate_data) : {},
      ...(r.email_message_id !== null ? { emailMessageId: r.email_message_id } : {}),
      ...(r.placeholders ? { placeholders: JSON.parse(r.placeholders) as Record<string, unknown> } : {}),
    }));
  }

  /** SENDING → SENT, keeping the ESP's message id where it gave one (one UPDATE per batch). */
  async markSent(sent: Array<{ id: number; espMessageId?: string }>, options: FeedbackOption = {}): Promise<number> {
    const withIds = sent.filter((s) => s.espMessageId !== undefined);
    let changed = await this.finishClaimed(
      sent.filter((s) => s.espMessageId === undefined).map((s) => s.id),
      MessageState.SENT,
      null,
      options,
    );
    for (const slice of chunk(withIds, IN_LIST_LIMIT)) {
      const ids = slice.map((s) => s.id);
      changed += await this.changeWithFeedback(
        options,
        MessageState.SENT,
        { messageIds: ids },
        (sql) => {
          const now = sql.dialect.timestamp(new Date());
          return sql.run(
            `UPDATE messages SET state = ?, sent_at = ?, updated_at = ?,
             esp_message_id = CASE id ${slice.map(() => 'WHEN ? THEN ?').join(' ')} END
           WHERE id IN (${sql.dialect.placeholders(slice.length)}) AND state = ?`,
            [MessageState.SENT, now, now, ...slice.flatMap((s) => [s.id, s.espMessageId]), ...ids, MessageState.SENDING],
          );
        },
        FANOUT_GRACE_MS,
      );
    }
    return changed;
  }

  /** Claimed messages that will not be sent after all (the sendout was cancelled mid-page). */
  async markCanceled(ids: number[], reason: string, options: FeedbackOption = {}): Promise<number> {
    return this.finishClaimed(ids, MessageState.CANCELED, reason, options);
  }

  /** Records permanent failures, one UPDATE per distinct reason. */
  async markFailed(failures: FailedMessage[], options: FeedbackOption = {}): Promise<number> {
    let changed = 0;
    for (const [reason, group] of groupBy(failures, (f) => f.reason)) {
      changed += await this.finishClaimed(
        group.map((f) => f.id),
        MessageState.FAILED,
        reason,
        options,
      );
    }
    return changed;
  }

  /** SENDING → `to` for a batch of claimed messages, in bounded IN lists; SENT also stamps sent_at. */
  private async finishClaimed(
    ids: number[],
    to: MessageState.SENT | MessageState.FAILED | MessageState.CANCELED,
    reason: string | null,
    options: FeedbackOption = {},
  ): Promise<number> {
    let changed = 0;
    for (const slice of chunk(ids, IN_LIST_LIMIT)) {
      changed += await this.changeWithFeedback(
        options,
        to,
        { messageIds: slice },
        (sql) => {
          const now = sql.dialect.timestamp(new Date());
          return sql.run(
            `UPDATE messages SET state = ?, reason = ?, sent_at = COALESCE(?, sent_at), updated_at = ?
           WHERE id IN (${sql.dialect.placeholders(slice.length)}) AND state = ?`,
            [to, reason?.slice(0, 500) ?? null, to === MessageState.SENT ? now : null, now, ...slice, MessageState.SENDING],
          );
        },
        FANOUT_GRACE_MS,
        reason,
      );
    }
    return changed;
  }

  /**
   * A range's messages by state. Read along (sendout_id, id): the page's rows only. MariaDB would
   * otherwise often take the covering (sendout_id, state, id) index and read every message of the
   * sendout to count one page, so that each page of a million-message sendout cost a million reads.
   */
  async countRange(sendoutId: string, [fromId, toId]: IdRange): Promise<MessageCounts> {
    const rows = await this.sql.all<{ state: MessageState; n: number | string }>(
      `SELECT state, COUNT(*) AS n FROM messages ${this.sql.dialect.forceIndex('ix_messages_sendout_id')}
       WHERE sendout_id = ? AND id BETWEEN ? AND ? GROUP BY state`,
      [sendoutId, fromId, toId],
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  async countByState(sendoutId: string): Promise<MessageCounts> {
    const rows = await this.sql.all<{ state: MessageState; n: number | string }>(
      'SELECT state, COUNT(*) AS n FROM messages WHERE sendout_id = ? GROUP BY state',
      [sendoutId],
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }
}
