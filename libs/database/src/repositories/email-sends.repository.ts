/**
 * What a request to the email API stores beside its sendout: the bulk (envelope, callback data,
 * notify URL), one row per recipient (address, placeholders, the client-visible messageId) and the
 * attached files in chunks. The send step reads them back once per page.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EntityManager } from 'typeorm';
import { EmailBulkEntity } from '../entities/email-bulk.entity';
import { SendoutEntity } from '../entities/sendout.entity';
import { Sql, chunk, inTransaction } from '../sql';
import { insertSendoutRows, isDuplicateKey } from './sendouts.repository';

export interface EmailRecipientRow {
  contactId: number;
  messageId: string;
  to: string;
  placeholders?: Record<string, unknown>;
}

export interface EmailFile {
  disposition: 'attachment' | 'inline';
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface EmailRequestRows {
  sendout: Partial<SendoutEntity>;
  feedbackWebhookIds: string[];
  bulk: Omit<EmailBulkEntity, 'createdAt' | 'paused'>;
  recipients: EmailRecipientRow[];
  files: EmailFile[];
}

/** Which client-chosen id was already taken by the account, when the rows could not be stored. */
export type EmailStoreOutcome = 'STORED' | 'BULK_ID_TAKEN' | 'MESSAGE_ID_TAKEN';

/** A chunk stays far below MariaDB's max_allowed_packet (16 MB by default) and bounds one statement's size. */
export const ATTACHMENT_CHUNK_BYTES = 4 * 1024 * 1024;
const RECIPIENTS_PER_STATEMENT = 500;

export class EmailSendsRepository {
  /**
   * `filesDir` (SENDGATE_EMAIL_ATTACHMENTS_DIR): files go there as `<sendoutId>/<position>`, named by
   * us and never by the client, and their rows keep only the metadata (an empty content with its
   * real size). Without it they are stored in the database. API and workers must share the directory.
   */
  constructor(
    private readonly sql: Sql,
    private readonly filesDir?: string,
  ) {}

  /**
   * The sendout, its webhooks, the bulk, the recipients and the files: all stored, or none. Files
   * for the directory are written first, and removed again when the rows are not stored.
   */
  async store(rows: EmailRequestRows): Promise<EmailStoreOutcome> {
    const sendoutId = rows.bulk.sendoutId;
    const inDirectory = this.filesDir !== undefined && rows.files.some((f) => f.content.length > 0);
    if (inDirectory) {
      await mkdir(this.directoryOf(sendoutId), { recursive: true });
      await Promise.all(rows.files.map((file, position) => writeFile(this.pathOf(sendoutId, position), file.content, { flag: 'wx' })));
    }
    const files = inDirectory ? rows.files.map((file) => ({ ...file, content: Buffer.alloc(0), size: file.content.length })) : rows.files;
    try {
      const outcome = await this.storeRows({ ...rows, files });
      // a request refused as a duplicate stored no rows: nothing points at its files
      if (outcome !== 'STORED' && inDirectory) await this.removeFiles([sendoutId]);
      return outcome;
    } catch (error) {
      if (inDirectory) await this.removeFiles([sendoutId]);
      throw error;
    }
  }

  private async storeRows(
    rows: Omit<EmailRequestRows, 'files'> & { files: Array<EmailFile & { size?: number }> },
  ): Promise<EmailStoreOutcome> {
    try {
      await inTransaction(this.sql.dataSource, async (manager) => {
        await insertSendoutRows(manager, rows.sendout, rows.feedbackWebhookIds);
        const { bulk } = rows;
        await manager.query(
          `INSERT INTO email_bulks (sendout_id, account_id, bulk_id, from_address, envelope, callback_data, notify_url,
             notify_content_type, paused, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            bulk.sendoutId,
            bulk.accountId,
            bulk.bulkId,
            bulk.fromAddress,
            JSON.stringify(bulk.envelope),
            bulk.callbackData,
            bulk.notifyUrl,
            bulk.notifyContentType,
            0, // not paused (SQLite binds no booleans)
            this.sql.dialect.timestamp(new Date()),
          ],
        );
        await insertRecipients(manager, rows.bulk.accountId, rows.bulk.sendoutId, rows.recipients, this.sql.dialect.timestamp(new Date()));
        await insertFiles(manager, rows.bulk.sendoutId, rows.files);
      });
      return 'STORED';
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const text = String((error as Error).message);
      if (/email_bulks/.test(text)) return 'BULK_ID_TAKEN';
      if (/email_messages/.test(text)) return 'MESSAGE_ID_TAKEN';
      throw error;
    }
  }

  /** Removes the files a sendout stored in the directory (when its rows are purged); a no-op without one. */
  async removeFiles(sendoutIds: string[]): Promise<void> {
    if (this.filesDir === undefined) return;
    await Promise.all(sendoutIds.map((id) => rm(this.directoryOf(id), { recursive: true, force: true })));
  }

  /** Sendout ids are UUIDs we made, positions integers: a path from them cannot leave the directory. */
  private directoryOf(sendoutId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(sendoutId)) throw new Error(`not a sendout id: ${sendoutId}`);
    return join(this.filesDir!, sendoutId);
  }

  private pathOf(sendoutId: string, position: number): string {
    return join(this.directoryOf(sendoutId), String(position));
  }

  private async readStored(sendoutId: string, position: number): Promise<Buffer> {
    if (this.filesDir === undefined) {
      throw new Error(`the files of sendout ${sendoutId} are in SENDGATE_EMAIL_ATTACHMENTS_DIR, which is not set here`);
    }
    return readFile(this.pathOf(sendoutId, position));
  }

  /** The bulk of a sendout made by the email API (undefined for every other sendout). */
  async findBulk(sendoutId: string): Promise<EmailBulkEntity | undefined> {
    return (await this.sql.dataSource.getRepository(EmailBulkEntity).findOneBy({ sendoutId })) ?? undefined;
  }

  /** The sendout's files in request order, each with its chunks joined. */
  async files(sendoutId: string): Promise<EmailFile[]> {
    const rows = await this.sql.all<{
      position: number;
      disposition: string;
      filename: string;
      content_type: string;
      size: number | string;
      content: Buffer | Uint8Array;
    }>(
      `SELECT position, disposition, filename, content_type, size, content FROM email_attachments
       WHERE sendout_id = ? ORDER BY position, chunk`,
      [sendoutId],
    );
    const files: Array<EmailFile & { parts: Buffer[] }> = [];
    let position = -1;
    for (const row of rows) {
      if (row.position !== position) {
        position = row.position;
        files.push({
          disposition: row.disposition as EmailFile['disposition'],
          filename: row.filename,
          contentType: row.content_type,
          content: Buffer.alloc(0),
          parts: [],
        });
      }
      const content = Buffer.from(row.content);
      // An empty chunk of a non-empty file: the file is in the directory.
      files[files.length - 1].parts.push(
        content.length === 0 && Number(row.size) > 0 ? await this.readStored(sendoutId, row.position) : content,
      );
    }
    return files.map(({ parts, ...file }) => ({ ...file, content: Buffer.concat(parts) }));
  }
}

async function insertRecipients(
  manager: EntityManager,
  accountId: string,
  sendoutId: string,
  recipients: EmailRecipientRow[],
  now: Date | string,
) {
  for (const rows of chunk(recipients, RECIPIENTS_PER_STATEMENT)) {
    await manager.query(
      `INSERT INTO email_messages (account_id, sendout_id, contact_id, message_id, to_address, placeholders, created_at)
       VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      rows.flatMap((r) => [
        accountId,
        sendoutId,
        r.contactId,
        r.messageId,
        r.to,
        r.placeholders ? JSON.stringify(r.placeholders) : null,
        now,
      ]),
    );
  }
}

/** Files in chunks of ATTACHMENT_CHUNK_BYTES; chunks go together into statements of about that size. */
async function insertFiles(manager: EntityManager, sendoutId: string, files: Array<EmailFile & { size?: number }>) {
  const pending: unknown[][] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    await manager.query(
      `INSERT INTO email_attachments (sendout_id, position, chunk, disposition, filename, content_type, size, content)
       VALUES ${pending.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      pending.flat(),
    );
    pending.length = 0;
    pendingBytes = 0;
  };
  for (const [position, file] of files.entries()) {
    const chunks = Math.max(1, Math.ceil(file.content.length / ATTACHMENT_CHUNK_BYTES));
    for (let i = 0; i < chunks; i++) {
      const part = file.content.subarray(i * ATTACHMENT_CHUNK_BYTES, (i + 1) * ATTACHMENT_CHUNK_BYTES);
      if (pendingBytes + part.length > ATTACHMENT_CHUNK_BYTES) await flush();
      pending.push([sendoutId, position, i, file.disposition, file.filename, file.contentType, file.size ?? file.content.length, part]);
      pendingBytes += part.length;
    }
  }
  await flush();
}
