/**
 * What the email API reads back of its requests: the one-time delivery reports (each final report
 * answered exactly once, even to concurrent readers) and the logs of the last hours (repeatable).
 * Every query filters on the account; all of them are set-based over bounded, indexed ranges.
 */
import { randomUUID } from 'node:crypto';
import {
  EmailReportSource,
  FINAL_REPORT_STATES,
  GENERAL_STATUS_STATES,
  GeneralStatus,
  InfobipReport,
  MessageState,
  SendoutStage,
  infobipReport,
} from '@sendgate/domain';
import { Sql, readTimestamp } from '../sql';

export const MAX_REPORTS_LIMIT = 1_000;
export const DEFAULT_REPORTS_LIMIT = 50;

export interface ReportsQuery {
  bulkId?: string;
  messageId?: string;
  /** 1..1000, default 50. */
  limit?: number;
}

export interface LogsQuery {
  messageIds?: string[];
  from?: string;
  to?: string;
  bulkId?: string;
  generalStatus?: GeneralStatus;
  sentSince?: Date;
  sentUntil?: Date;
  /** 1..1000, default 50. */
  limit?: number;
}

/** The columns a report is made of; `em` is email_messages, `b` email_bulks, `m` messages (left-joined). */
export const REPORT_COLUMNS = `b.bulk_id, em.message_id AS client_message_id, em.to_address, em.created_at AS accepted_at,
  b.callback_data, m.state, m.reason, m.sent_at, m.updated_at`;

/**
 * A recipient whose message was never generated because its sendout was cancelled or failed first
 * (a bulk cancelled right after it was accepted) reads as CANCELED or FAILED, done when the sendout
 * stopped, instead of pending for ever. Needs `s` (sendouts) joined beside `em` and `m`.
 */
const STATE_OR_STOPPED = `CASE WHEN m.id IS NULL AND s.stage = '${SendoutStage.CANCELED}' THEN '${MessageState.CANCELED}'
  WHEN m.id IS NULL AND s.stage = '${SendoutStage.FAILED}' THEN '${MessageState.FAILED}' ELSE m.state END`;

/** REPORT_COLUMNS for the reports and logs, which also answer recipients without a message (STATE_OR_STOPPED). */
const RECIPIENT_REPORT_COLUMNS = `b.bulk_id, em.message_id AS client_message_id, em.to_address, em.created_at AS accepted_at,
  b.callback_data, ${STATE_OR_STOPPED} AS state, m.reason, m.sent_at, COALESCE(m.updated_at, s.completed_at, s.updated_at) AS updated_at`;

export interface ReportRow {
  bulk_id: string;
  client_message_id: string;
  to_address: string;
  accepted_at: Date | string;
  callback_data: string | null;
  state: MessageState | null;
  reason: string | null;
  sent_at: Date | string | null;
  updated_at: Date | string | null;
}

export function reportSourceOf(row: ReportRow): EmailReportSource {
  return {
    bulkId: row.bulk_id,
    messageId: row.client_message_id,
    to: row.to_address,
    state: row.state,
    reason: row.reason,
    acceptedAt: readTimestamp(row.accepted_at),
    sentAt: row.sent_at ? readTimestamp(row.sent_at) : null,
    updatedAt: row.updated_at ? readTimestamp(row.updated_at) : null,
    callbackData: row.callback_data,
  };
}

export class EmailReportsRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Takes up to `limit` final reports not reported before, oldest first, and marks them reported.
   * The claim is one conditional UPDATE over the candidates (a row another reader marked first is
   * skipped: MariaDB's UPDATE re-reads the row under its lock, SQLite has one writer), and the read
   * back goes by the claim's token, so concurrent readers get disjoint reports. A reader that lost
   * every candidate to another one looks once more.
   */
  async takeReports(accountId: string, query: ReportsQuery = {}, now = new Date()): Promise<InfobipReport[]> {
    const limit = Math.min(MAX_REPORTS_LIMIT, Math.max(1, query.limit ?? DEFAULT_REPORTS_LIMIT));
    let sendoutId: string | undefined;
    if (query.bulkId !== undefined) {
      sendoutId = await this.sendoutOfBulk(accountId, query.bulkId);
      if (!sendoutId) return [];
    }
    for (let round = 0; round < 2; round++) {
      const candidates = await this.reportCandidates(accountId, sendoutId, query.messageId, limit);
      if (candidates.length === 0) return [];
      const claim = randomUUID();
      const { dialect } = this.sql;
      const claimed = await this.sql.run(
        `UPDATE email_messages SET report_claim = ?, reported_at = ?
         WHERE id IN (${dialect.placeholders(candidates.length)}) AND account_id = ? AND reported_at IS NULL`,
        [claim, dialect.timestamp(now), ...candidates, accountId],
      );
      if (claimed > 0) return this.claimedReports(accountId, candidates, claim);
    }
    return [];
  }

  /**
   * The logs: every request's recipient of the last `retentionHours` (whatever its state), newest
   * first, filtered as asked. Reading changes nothing.
   */
  async logs(accountId: string, query: LogsQuery, retentionHours: number, now = new Date()): Promise<InfobipReport[]> {
    const { dialect } = this.sql;
    const limit = Math.min(MAX_REPORTS_LIMIT, Math.max(1, query.limit ?? DEFAULT_REPORTS_LIMIT));
    const where = ['em.account_id = ?', 'em.created_at >= ?'];
    const params: unknown[] = [accountId, dialect.timestamp(new Date(now.getTime() - retentionHours * 3_600_000))];
    if (query.messageIds && query.messageIds.length > 0) {
      where.push(`em.message_id IN (${dialect.placeholders(query.messageIds.length)})`);
      params.push(...query.messageIds);
    }
    if (query.bulkId !== undefined) {
      const sendoutId = await this.sendoutOfBulk(accountId, query.bulkId);
      if (!sendoutId) return [];
      where.push('em.sendout_id = ?');
      params.push(sendoutId);
    }
    if (query.to !== undefined) {
      where.push('LOWER(em.to_address) = ?');
      params.push(query.to.toLowerCase());
    }
    if (query.from !== undefined) {
      where.push('LOWER(b.from_address) = ?');
      params.push(query.from.toLowerCase());
    }
    if (query.generalStatus !== undefined) {
      const states = GENERAL_STATUS_STATES[query.generalStatus];
      // a recipient whose message the sendout has not generated yet is pending
      const notGenerated = query.generalStatus === 'PENDING' ? `(${STATE_OR_STOPPED}) IS NULL OR ` : '';
      where.push(`(${notGenerated}(${STATE_OR_STOPPED}) IN (${dialect.placeholders(states.length)}))`);
      params.push(...states);
    }
    // a message is sent after its request was accepted: sentUntil also bounds the index range
    if (query.sentUntil !== undefined) {
      where.push('em.created_at <= ?', 'COALESCE(m.sent_at, em.created_at) <= ?');
      params.push(dialect.timestamp(query.sentUntil), dialect.timestamp(query.sentUntil));
    }
    if (query.sentSince !== undefined) {
      where.push('COALESCE(m.sent_at, em.created_at) >= ?');
      params.push(dialect.timestamp(query.sentSince));
    }
    // the request's plain text, or else its subject, read out of the content in the database (no html travels)
    const text = `COALESCE(${dialect.attributeText('s.content', '$.text')}, ${dialect.attributeText('s.content', '$.subject')})`;
    const rows = await this.sql.all<ReportRow & { from_address: string; text: string | null }>(
      // along the account's (created_at) index, newest first, so that the LIMIT ends the walk
      `SELECT ${dialect.straightJoin} ${RECIPIENT_REPORT_COLUMNS}, b.from_address, ${text} AS text
       FROM email_messages em
       JOIN email_bulks b ON b.sendout_id = em.sendout_id
       JOIN sendouts s ON s.id = em.sendout_id
       LEFT JOIN messages m ON m.sendout_id = em.sendout_id AND m.contact_id = em.contact_id
       WHERE ${where.join(' AND ')}
       ORDER BY em.created_at DESC, em.id DESC
       LIMIT ?`,
      [...params, limit],
    );
    return rows.map((row) => infobipReport({ ...reportSourceOf(row), from: row.from_address, text: row.text, callbackData: null }));
  }

  private async sendoutOfBulk(accountId: string, bulkId: string): Promise<string | undefined> {
    const row = await this.sql.one<{ sendout_id: string }>('SELECT sendout_id FROM email_bulks WHERE account_id = ? AND bulk_id = ?', [
      accountId,
      bulkId,
    ]);
    return row?.sendout_id;
  }

  /**
   * Unreported recipients whose message is final (or who have none and never will: their sendout
   * was cancelled or failed first), along the (account, reported_at, id) index.
   */
  private async reportCandidates(accountId: string, sendoutId: string | undefined, messageId: string | undefined, limit: number) {
    const { dialect } = this.sql;
    const filters: string[] = [];
    const params: unknown[] = [];
    if (sendoutId !== undefined) {
      filters.push('AND em.sendout_id = ?');
      params.push(sendoutId);
    }
    if (messageId !== undefined) {
      filters.push('AND em.message_id = ?');
      params.push(messageId);
    }
    // unfiltered, the walk goes along the account's unreported rows in id order; a bulk or a
    // messageId is narrower, and the planner picks its own index for it
    const along = filters.length === 0 ? dialect.forceIndex('ix_email_messages_reports') : '';
    const rows = await this.sql.all<{ id: number | string }>(
      `SELECT em.id FROM email_messages em ${along}
       JOIN sendouts s ON s.id = em.sendout_id
       LEFT JOIN messages m ON m.sendout_id = em.sendout_id AND m.contact_id = em.contact_id
       WHERE em.account_id = ? AND em.reported_at IS NULL ${filters.join(' ')}
         AND (${STATE_OR_STOPPED}) IN (${dialect.placeholders(FINAL_REPORT_STATES.length)})
       ORDER BY em.id LIMIT ?`,
      [accountId, ...params, ...FINAL_REPORT_STATES, limit],
    );
    return rows.map((r) => Number(r.id));
  }

  private async claimedReports(accountId: string, candidates: number[], claim: string): Promise<InfobipReport[]> {
    const rows = await this.sql.all<ReportRow>(
      `SELECT ${RECIPIENT_REPORT_COLUMNS}
       FROM email_messages em
       JOIN email_bulks b ON b.sendout_id = em.sendout_id
       JOIN sendouts s ON s.id = em.sendout_id
       LEFT JOIN messages m ON m.sendout_id = em.sendout_id AND m.contact_id = em.contact_id
       WHERE em.id IN (${this.sql.dialect.placeholders(candidates.length)}) AND em.account_id = ? AND em.report_claim = ?
       ORDER BY em.id`,
      [...candidates, accountId, claim],
    );
    return rows.map((row) => infobipReport(reportSourceOf(row)));
  }
}
