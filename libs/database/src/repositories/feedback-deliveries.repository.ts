/**
 * The feedback outbox's delivery side: leases of due rows for one dispatcher at a time, the facts
 * each feedback body is made of, and the outcomes of attempts, all set-based.
 *
 * Per-message order: a row is claimable only while no earlier (lower id) PENDING row exists for the
 * same message and webhook, so a receiver gets `sent` before `delivered` even when `sent` needs
 * retries. Rows of one claim therefore name each (message, webhook) at most once.
 */
import { randomBytes } from 'node:crypto';
import { Channel, FeedbackDeliveryState, FeedbackEvent, FeedbackFacts, InfobipReport, groupBy, infobipReport } from '@sendgate/domain';
import { Sql, chunk, readTimestamp } from '../sql';
import { REPORT_COLUMNS, ReportRow, reportSourceOf } from './email-reports.repository';
import { OutboxTarget } from './feedback-outbox';

const IN_LIST_LIMIT = 1_000;
const PENDING = FeedbackDeliveryState.PENDING;
/** Where the monitoring counts of the outbox stop: beyond it the number says "a lot" well enough. */
const OUTBOX_COUNT_CAP = 100_000;

export interface ClaimOptions {
  limit: number;
  leaseMs: number;
  /** Only this sendout's rows (the sendout's own fan-out step). */
  sendoutId?: string;
  /**
   * Only rows never attempted yet, due or not: the fan-out step takes its sendout's first attempts
   * before the dispatcher's grace is over.
   */
  firstAttemptOnly?: boolean;
  now?: Date;
}

interface ClaimedRow {
  id: number;
  /** The target's id: the webhook's, or for a report push the request's sendout id. */
  webhookId: string;
  attempts: number;
  createdAt: Date;
}

/** A leased feedback webhook delivery with everything its body and its retry schedule need. */
export interface ClaimedWebhookDelivery extends ClaimedRow {
  target: 'webhook';
  facts: FeedbackFacts;
}

/**
 * A leased notifyUrl push: where to, and the message's report as it stands now (final). `notify`
 * is absent when the request is gone (purged): retrying cannot help.
 */
export interface ClaimedReportPush extends ClaimedRow {
  target: 'notify';
  notify?: { url: string; contentType: string };
  report?: InfobipReport;
}

export type ClaimedDelivery = ClaimedWebhookDelivery | ClaimedReportPush;

const DEFAULT_NOTIFY_CONTENT_TYPE = 'application/json';

export interface DeliveryFailure {
  id: number;
  /** Attempts before this one and the row's age: they decide the next attempt and when it is dead. */
  attempts: number;
  createdAt: Date;
  status?: number;
  error: string;
  retryAfterMs?: number;
  /** Retrying cannot help (the webhook is deleted, the guard refuses its address): DEAD at once. */
  final?: boolean;
}

export interface FeedbackRetryPolicy {
  backoffInitialMs: number;
  backoffMaxMs: number;
  retryWindowMs: number;
}

/** When a failed attempt is tried again: exponential backoff, no earlier than the receiver's Retry-After. */
export function nextAttemptDelayMs(attemptsBefore: number, policy: FeedbackRetryPolicy, retryAfterMs = 0): number {
  const backoff = Math.min(policy.backoffMaxMs, policy.backoffInitialMs * 2 ** Math.min(attemptsBefore, 40));
  return Math.max(backoff, Math.min(retryAfterMs, policy.backoffMaxMs));
}

export class FeedbackDeliveriesRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * The outbox at a glance for monitoring, read on every metrics scrape: each query walks only the
   * (state, next_attempt_at) index, and the two counts stop at `cap` so a large backlog (or years
   * of DEAD rows) costs a bounded index range, not a scan.
   */
  async outboxState(now = new Date(), cap = OUTBOX_COUNT_CAP): Promise<{ due: number; dead: number; oldestDueSeconds: number }> {
    const { dialect } = this.sql;
    const count = async (where: string, params: unknown[]) =>
      Number(
        (
          await this.sql.one<{ n: number | string }>(
            `SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM feedback_deliveries WHERE ${where} LIMIT ?) capped`,
            [...params, cap],
          )
        )?.n ?? 0,
      );
    const [due, dead, oldest] = await Promise.all([
      count('state = ? AND next_attempt_at <= ?', [PENDING, dialect.timestamp(now)]),
      count('state = ?', [FeedbackDeliveryState.DEAD]),
      this.sql.one<{ at: Date | string | null }>('SELECT MIN(next_attempt_at) AS at FROM feedback_deliveries WHERE state = ?', [PENDING]),
    ]);
    const oldestDueMs = oldest?.at ? now.getTime() - readTimestamp(oldest.at).getTime() : 0;
    return { due, dead, oldestDueSeconds: Math.max(0, oldestDueMs) / 1000 };
  }

  /**
   * Leases up to `limit` due PENDING rows (lease free or expired) that have no earlier PENDING row
   * for their message and webhook, the longest due first (a sendout's: lowest ids first, along the
   * (sendout, state, id) index), and answers them with their facts. The lease
   * is one conditional UPDATE and the read back goes by token, so concurrent claimers get
   * disjoint rows on MariaDB (row locks, current reads) and on SQLite (one writer).
   */
  async claim(options: ClaimOptions): Promise<ClaimedDelivery[]> {
    const { dialect } = this.sql;
    const now = options.now ?? new Date();
    const at = dialect.timestamp(now);
    const filters: string[] = [];
    const params: unknown[] = [];
    if (options.sendoutId) {
      filters.push('d.sendout_id = ?');
      params.push(options.sendoutId);
    }
    if (options.firstAttemptOnly) filters.push('d.attempts = 0');
    // A sendout's rows are read along (sendout_id, state, id): MariaDB otherwise walks the primary
    // key for the ORDER BY id LIMIT, from the table's first row past every delivered one, so each
    // claim of a long fan-out cost more than the one before.
    const along = options.sendoutId ? dialect.forceIndex('ix_feedback_deliveries_sendout') : '';
    const candidates = await this.sql.all<{ id: number | string; target: OutboxTarget }>(
      `SELECT d.id, d.target FROM feedback_deliveries d ${along}
       WHERE d.state = ? AND ${options.firstAttemptOnly ? '' : 'd.next_attempt_at <= ? AND '}(d.lease_until IS NULL OR d.lease_until < ?)
         ${filters.map((f) => `AND ${f}`).join(' ')}
         AND NOT EXISTS (SELECT 1 FROM feedback_deliveries e
                         WHERE e.message_id = d.message_id AND e.webhook_id = d.webhook_id AND e.state = ? AND e.id < d.id)
       ORDER BY ${options.sendoutId ? 'd.id' : 'd.next_attempt_at, d.id'} LIMIT ?`,
      [PENDING, ...(options.firstAttemptOnly ? [] : [at]), at, ...params, PENDING, options.limit],
    );
    if (candidates.length === 0) return [];
    const ids = candidates.map((r) => Number(r.id));
    const token = randomBytes(16).toString('hex');
    await this.sql.run(
      `UPDATE feedback_deliveries SET lease_until = ?, lease_token = ?
       WHERE id IN (${dialect.placeholders(ids.length)}) AND state = ? AND (lease_until IS NULL OR lease_until < ?)`,
      [dialect.timestamp(new Date(now.getTime() + options.leaseMs)), token, ...ids, PENDING, at],
    );
    const pushes = candidates.filter((r) => r.target === 'notify').map((r) => Number(r.id));
    const webhooks = pushes.length === 0 ? ids : candidates.filter((r) => r.target !== 'notify').map((r) => Number(r.id));
    const leased: ClaimedDelivery[] = [
      ...(webhooks.length > 0 ? await this.loadLeased(webhooks, token) : []),
      ...(pushes.length > 0 ? await this.loadLeasedPushes(pushes, token) : []),
    ];
    return pushes.length === 0 ? leased : leased.sort((a, b) => a.id - b.id);
  }

  /** Leased report pushes with their request's notifyUrl and the message's report, in one query. */
  private async loadLeasedPushes(ids: number[], token: string): Promise<ClaimedReportPush[]> {
    const rows = await this.sql.all<
      Omit<ReportRow, 'bulk_id' | 'client_message_id' | 'to_address' | 'accepted_at'> & {
        id: number | string;
        webhook_id: string;
        attempts: number | string;
        created_at: Date | string;
        notify_url: string | null;
        notify_content_type: string | null;
        bulk_id: string | null;
        client_message_id: string | null;
        to_address: string | null;
        accepted_at: Date | string | null;
      }
    >(
      `SELECT d.id, d.webhook_id, d.attempts, d.created_at, b.notify_url, b.notify_content_type, ${REPORT_COLUMNS}
       FROM feedback_deliveries d
       LEFT JOIN email_bulks b ON b.sendout_id = d.webhook_id
       LEFT JOIN messages m ON m.id = d.message_id
       LEFT JOIN email_messages em ON em.sendout_id = m.sendout_id AND em.contact_id = m.contact_id
       WHERE d.id IN (${this.sql.dialect.placeholders(ids.length)}) AND d.lease_token = ?
       ORDER BY d.id`,
      [...ids, token],
    );
    return rows.map((r) => {
      const row: ClaimedRow = {
        id: Number(r.id),
        webhookId: r.webhook_id,
        attempts: Number(r.attempts),
        createdAt: readTimestamp(r.created_at),
      };
      if (!r.notify_url || !r.bulk_id || !r.client_message_id || !r.to_address || !r.accepted_at) return { ...row, target: 'notify' };
      return {
        ...row,
        target: 'notify',
        notify: { url: r.notify_url, contentType: r.notify_content_type ?? DEFAULT_NOTIFY_CONTENT_TYPE },
        report: infobipReport(
          reportSourceOf({
            ...r,
            bulk_id: r.bulk_id,
            client_message_id: r.client_message_id,
            to_address: r.to_address,
            accepted_at: r.accepted_at,
          }),
        ),
      };
    });
  }

  /** The leased rows with their message, contact, sendout and project, in one query. */
  private async loadLeased(ids: number[], token: string): Promise<ClaimedWebhookDelivery[]> {
    const rows = await this.sql.all<{
      id: number | string;
      request_id: string;
      account_id: string;
      webhook_id: string;
      sendout_id: string;
      message_id: number | string;
      event: FeedbackEvent;
      failure_type: string | null;
      failure_code: string | null;
      failure_reason: string | null;
      attempts: number | string;
      created_at: Date | string;
      message_attempts: number | string | null;
      channel: Channel | null;
      project_id: string | null;
      project_name: string | null;
      email: string | null;
      phone: string | null;
    }>(
      `SELECT d.id, d.request_id, d.account_id, d.webhook_id, d.sendout_id, d.message_id, d.event, d.failure_type, d.failure_code,
              d.failure_reason, d.attempts, d.created_at, m.attempts AS message_attempts, i.channel,
              p.id AS project_id, p.name AS project_name, c.email, c.phone
       FROM feedback_deliveries d
       LEFT JOIN messages m ON m.id = d.message_id
       LEFT JOIN contacts c ON c.id = m.contact_id
       LEFT JOIN sendouts s ON s.id = d.sendout_id
       LEFT JOIN projects p ON p.id = s.project_id
       LEFT JOIN esp_integrations i ON i.id = s.integration_id
       WHERE d.id IN (${this.sql.dialect.placeholders(ids.length)}) AND d.lease_token = ?
       ORDER BY d.id`,
      [...ids, token],
    );
    return rows.map((r) => {
      const failed = r.event === FeedbackEvent.ERROR || r.event === FeedbackEvent.BOUNCE || r.event === FeedbackEvent.EXCLUDE;
      return {
        id: Number(r.id),
        target: 'webhook' as const,
        webhookId: r.webhook_id,
        attempts: Number(r.attempts),
        createdAt: readTimestamp(r.created_at),
        facts: {
          requestId: r.request_id,
          accountId: r.account_id,
          project: { id: r.project_id ?? '', name: r.project_name ?? '' },
          channel: r.channel ?? Channel.EMAIL,
          messageId: Number(r.message_id),
          messageType: 'marketing',
          campaignId: r.sendout_id,
          // a sendout's content never changes once stored: the sendout is its own (only) version
          campaignVersionId: r.sendout_id,
          event: r.event,
          ...(failed ? { failure: { type: r.failure_type, code: r.failure_code, reason: r.failure_reason } } : {}),
          retryCount: Math.max(0, Number(r.message_attempts ?? 1) - 1),
          email: r.email,
          phone: r.phone,
        },
      };
    });
  }

  /** Delivered: one UPDATE per slice of ids that got the same answer status. */
  async markDelivered(ids: number[], status: number, now = new Date()): Promise<number> {
    const { dialect } = this.sql;
    let changed = 0;
    for (const slice of chunk(ids, IN_LIST_LIMIT)) {
      changed += await this.sql.run(
        `UPDATE feedback_deliveries
         SET state = ?, attempts = attempts + 1, last_status = ?, last_error = NULL, delivered_at = ?,
             lease_until = NULL, lease_token = NULL
         WHERE id IN (${dialect.placeholders(slice.length)}) AND state = ?`,
        [FeedbackDeliveryState.DELIVERED, status, dialect.timestamp(now), ...slice, PENDING],
      );
    }
    return changed;
  }

  /**
   * Failed attempts: each row is tried again after its backoff, or becomes DEAD once that would
   * fall past its retry window (or at once when `final`). One UPDATE per (status, error, next
   * attempt, dead) group: rows of a batch share a few attempt counts, so groups are few.
   */
  async markFailed(failures: DeliveryFailure[], policy: FeedbackRetryPolicy, now = new Date()): Promise<number> {
    const { dialect } = this.sql;
    const outcomes = failures.map((f) => {
      const next = new Date(now.getTime() + nextAttemptDelayMs(f.attempts, policy, f.retryAfterMs));
      const dead = Boolean(f.final) || next.getTime() > f.createdAt.getTime() + policy.retryWindowMs;
      return { id: f.id, status: f.status ?? null, error: f.error.slice(0, 500), next, dead };
    });
    const groups = groupBy(outcomes, (o) => JSON.stringify([o.status, o.error, o.dead ? 0 : o.next.getTime(), o.dead]));
    let changed = 0;
    for (const group of groups.values()) {
      const { status, error, next, dead } = group[0];
      const ids = group.map((o) => o.id);
      for (const slice of chunk(ids, IN_LIST_LIMIT)) {
        changed += await this.sql.run(
          `UPDATE feedback_deliveries
           SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ?, next_attempt_at = ?,
               lease_until = NULL, lease_token = NULL
           WHERE id IN (${dialect.placeholders(slice.length)}) AND state = ?`,
          [dead ? FeedbackDeliveryState.DEAD : PENDING, status, error, dialect.timestamp(dead ? now : next), ...slice, PENDING],
        );
      }
    }
    return changed;
  }

  /** Gives leased rows back untouched (a dispatcher stopping before it tried them). */
  async release(ids: number[]): Promise<void> {
    for (const slice of chunk(ids, IN_LIST_LIMIT)) {
      await this.sql.run(
        `UPDATE feedback_deliveries SET lease_until = NULL, lease_token = NULL
         WHERE id IN (${this.sql.dialect.placeholders(slice.length)}) AND state = ?`,
        [...slice, PENDING],
      );
    }
  }

  /**
   * How many of the sendout's rows still wait for their first attempt and are not held back by an
   * earlier row of their message that is being retried (those are the dispatcher's).
   */
  async countFirstAttemptsDue(sendoutId: string): Promise<number> {
    const row = await this.sql.one<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM feedback_deliveries d
       WHERE d.sendout_id = ? AND d.state = ? AND d.attempts = 0
         AND NOT EXISTS (SELECT 1 FROM feedback_deliveries e
                         WHERE e.message_id = d.message_id AND e.webhook_id = d.webhook_id AND e.state = ? AND e.id < d.id)`,
      [sendoutId, PENDING, PENDING],
    );
    return Number(row?.n ?? 0);
  }
}
