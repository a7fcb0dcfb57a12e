/**
 * The bulks of the email API (one request to `POST /email/3/send`, one sendout of kind single):
 * found by the client's bulkId within its account, with the sendout's stage and schedule; their
 * schedule as the sendout workflow stores it; and the purge of finished bulks past retention, in
 * bounded batches so that no single DELETE holds locks long.
 */
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { FINISHED_STAGES, SendoutStage } from '@sendgate/domain';
import { EmailBulkEntity } from '../entities/email-bulk.entity';
import { Sql, readTimestamp } from '../sql';

/** A bulk as the bulk endpoints read it. */
export interface EmailBulkView {
  sendoutId: string;
  bulkId: string;
  workflowId: string;
  stage: SendoutStage;
  paused: boolean;
  sendAt: Date | null;
  createdAt: Date;
}

export interface EmailLogPurge {
  bulks: number;
  messages: number;
  attachments: number;
}

const DEFAULT_PURGE_BATCH = 100;

export class EmailBulksRepository {
  constructor(private readonly sql: Sql) {}

  async insert(bulk: Partial<EmailBulkEntity>): Promise<void> {
    await this.sql.dataSource.getRepository(EmailBulkEntity).insert(bulk as QueryDeepPartialEntity<EmailBulkEntity>);
  }

  /** The account's bulk: another account's bulkId is as absent as an unknown one. */
  async find(accountId: string, bulkId: string): Promise<EmailBulkView | undefined> {
    const row = await this.sql.one<{
      sendout_id: string;
      bulk_id: string;
      workflow_id: string;
      stage: SendoutStage;
      paused: number | boolean;
      send_at: Date | string | null;
      created_at: Date | string;
    }>(
      `SELECT b.sendout_id, b.bulk_id, b.paused, b.created_at, s.workflow_id, s.stage, s.send_at
       FROM email_bulks b JOIN sendouts s ON s.id = b.sendout_id AND s.account_id = b.account_id
       WHERE b.account_id = ? AND b.bulk_id = ?`,
      [accountId, bulkId],
    );
    if (!row) return undefined;
    return {
      sendoutId: row.sendout_id,
      bulkId: row.bulk_id,
      workflowId: row.workflow_id,
      stage: row.stage,
      paused: Boolean(Number(row.paused)),
      sendAt: row.send_at === null ? null : readTimestamp(row.send_at),
      createdAt: readTimestamp(row.created_at),
    };
  }

  /**
   * Stores the schedule the sendout's workflow holds: its sendAt on the sendout, the pause on its
   * bulk (a sendout that is no bulk has none), together.
   */
  async saveSchedule(sendoutId: string, schedule: { sendAt: Date | null; paused: boolean }): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run('UPDATE sendouts SET send_at = ?, updated_at = ? WHERE id = ?', [
        schedule.sendAt === null ? null : tx.dialect.timestamp(schedule.sendAt),
        tx.dialect.timestamp(new Date()),
        sendoutId,
      ]);
      await tx.run('UPDATE email_bulks SET paused = ? WHERE sendout_id = ?', [schedule.paused ? 1 : 0, sendoutId]);
    });
  }

  /**
   * Deletes the recipients, attachments and bulk rows of bulks made before `cutoff` whose sendout
   * finished (completed, cancelled or failed) before it, `batchSize` bulks at a time, at most
   * `maxBatches` batches. A bulk still scheduled or running is never touched. `removeFiles` (the
   * files of SENDGATE_EMAIL_ATTACHMENTS_DIR) is given the batch's bulks that have files there before
   * their rows go; the bulk row goes last, so a purge interrupted halfway finds the rest next time.
   */
  async purgeFinishedBefore(
    cutoff: Date,
    options: { batchSize?: number; maxBatches?: number; onBatch?: () => void; removeFiles?: (sendoutIds: string[]) => Promise<void> } = {},
  ): Promise<EmailLogPurge & { more: boolean }> {
    const batchSize = options.batchSize ?? DEFAULT_PURGE_BATCH;
    const total: EmailLogPurge = { bulks: 0, messages: 0, attachments: 0 };
    const at = this.sql.dialect.timestamp(cutoff);
    for (let batch = 0; batch < (options.maxBatches ?? Number.MAX_SAFE_INTEGER); batch++) {
      const ids = (
        await this.sql.all<{ sendout_id: string }>(
          `SELECT b.sendout_id FROM email_bulks b JOIN sendouts s ON s.id = b.sendout_id
           WHERE b.created_at < ? AND s.stage IN (${this.sql.dialect.placeholders(FINISHED_STAGES.length)})
             AND COALESCE(s.completed_at, s.updated_at) < ?
           ORDER BY b.created_at, b.sendout_id LIMIT ?`,
          [at, ...FINISHED_STAGES, at, batchSize],
        )
      ).map((r) => r.sendout_id);
      if (ids.length === 0) return { ...total, more: false };
      const list = this.sql.dialect.placeholders(ids.length);
      if (options.removeFiles) {
        const withFiles = await this.sql.all<{ sendout_id: string }>(
          // an empty first chunk of a non-empty file: the file is in the directory (see EmailSendsRepository)
          `SELECT DISTINCT sendout_id FROM email_attachments
           WHERE sendout_id IN (${list}) AND chunk = 0 AND size > 0 AND LENGTH(content) = 0`,
          ids,
        );
        if (withFiles.length > 0) await options.removeFiles(withFiles.map((r) => r.sendout_id));
      }
      total.messages += await this.sql.run(`DELETE FROM email_messages WHERE sendout_id IN (${list})`, ids);
      total.attachments += await this.sql.run(`DELETE FROM email_attachments WHERE sendout_id IN (${list})`, ids);
      total.bulks += await this.sql.run(`DELETE FROM email_bulks WHERE sendout_id IN (${list})`, ids);
      options.onBatch?.();
      if (ids.length < batchSize) return { ...total, more: false };
    }
    return { ...total, more: true };
  }
}
