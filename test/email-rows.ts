/**
 * The rows POST /email/3/send writes beside a sendout (its email_bulks row and one email_messages
 * row per recipient), written straight to the database for tests of what reads them back. The
 * recipients are contacts of the account named by external id.
 */
import { randomUUID } from 'node:crypto';
import { Sql } from '../libs/database/src/sql';

export interface EmailBulkSeed {
  accountId: string;
  sendoutId: string;
  recipients: Array<{ externalId: string; to: string; messageId?: string }>;
  bulkId?: string;
  from?: string;
  callbackData?: string | null;
  notifyUrl?: string | null;
  notifyContentType?: string | null;
  /** When the request was accepted (default now). */
  createdAt?: Date;
}

/** Answers the bulkId and the recipients' messageIds, in the order given. */
export async function seedEmailBulk(sql: Sql, seed: EmailBulkSeed): Promise<{ bulkId: string; messageIds: string[] }> {
  const { dialect } = sql;
  const bulkId = seed.bulkId ?? `bulk-${randomUUID()}`;
  const createdAt = dialect.timestamp(seed.createdAt ?? new Date());
  const from = seed.from ?? 'sender@example.com';
  await sql.run(
    `INSERT INTO email_bulks (sendout_id, account_id, bulk_id, from_address, envelope, callback_data, notify_url, notify_content_type,
       paused, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      seed.sendoutId,
      seed.accountId,
      bulkId,
      from,
      JSON.stringify({ from }),
      seed.callbackData ?? null,
      seed.notifyUrl ?? null,
      seed.notifyContentType ?? null,
      0,
      createdAt,
    ],
  );
  const externalIds = seed.recipients.map((r) => r.externalId);
  const contacts = await sql.all<{ id: number | string; external_id: string }>(
    `SELECT id, external_id FROM contacts WHERE account_id = ? AND external_id IN (${dialect.placeholders(externalIds.length)})`,
    [seed.accountId, ...externalIds],
  );
  const contactIds = new Map(contacts.map((c) => [c.external_id, Number(c.id)]));
  const messageIds = seed.recipients.map((r) => r.messageId ?? `msg-${randomUUID()}`);
  await sql.run(
    `INSERT INTO email_messages (account_id, sendout_id, contact_id, message_id, to_address, created_at)
     VALUES ${seed.recipients.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
    seed.recipients.flatMap((r, i) => {
      const contactId = contactIds.get(r.externalId);
      if (contactId === undefined) throw new Error(`no contact ${r.externalId} in account ${seed.accountId}`);
      return [seed.accountId, seed.sendoutId, contactId, messageIds[i], r.to, createdAt];
    }),
  );
  return { bulkId, messageIds };
}
