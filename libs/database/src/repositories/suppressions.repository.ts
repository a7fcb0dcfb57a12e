/**
 * Suppression lists, per account and channel. Adding is one multi-row INSERT IGNORE per slice (the
 * unique (address, account_id, channel) key keeps the first entry of an address: its reason and
 * source say why it was first suppressed); listing is a keyset page over the account's (id) index.
 * Addresses arrive normalised (see suppressionAddress): matching is plain equality. What a message
 * tells (a bounce, a complaint, an unsubscribe link) is added straight from the message's rows by
 * suppressMessageAddresses, set-based.
 */
import { Channel, MAX_SUPPRESSION_SOURCE, SuppressionReason } from '@sendgate/domain';
import { Sql, chunk, readTimestamp } from '../sql';

export interface NewSuppression {
  channel: Channel;
  address: string;
  reason: SuppressionReason;
  source: string | null;
}

export interface Suppression extends NewSuppression {
  id: number;
  createdAt: Date;
}

interface SuppressionRow {
  id: number | string;
  channel: Channel;
  address: string;
  reason: SuppressionReason;
  source: string | null;
  created_at: Date | string;
}

const COLUMNS = 'id, channel, address, reason, source, created_at';
const INSERT_SLICE = 1_000;

function suppressionOf(row: SuppressionRow): Suppression {
  return {
    id: Number(row.id),
    channel: row.channel,
    address: row.address,
    reason: row.reason,
    source: row.source,
    createdAt: readTimestamp(row.created_at),
  };
}

export class SuppressionsRepository {
  constructor(private readonly sql: Sql) {}

  /** Adds the entries not suppressed yet; answers how many were new. */
  async add(accountId: string, entries: NewSuppression[]): Promise<number> {
    const { dialect } = this.sql;
    const now = dialect.timestamp(new Date());
    let added = 0;
    for (const slice of chunk(entries, INSERT_SLICE)) {
      added += await this.sql.run(
        `${dialect.insertIgnore} INTO suppressions (account_id, channel, address, reason, source, created_at)
         VALUES ${slice.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        slice.flatMap((e) => [accountId, e.channel, e.address, e.reason, e.source, now]),
      );
    }
    return added;
  }

  async find(accountId: string, channel: Channel, address: string): Promise<Suppression | undefined> {
    const row = await this.sql.one<SuppressionRow>(
      `SELECT ${COLUMNS} FROM suppressions WHERE account_id = ? AND channel = ? AND address = ?`,
      [accountId, channel, address],
    );
    return row && suppressionOf(row);
  }

  /** A keyset page of the account's suppressions, oldest first, of one channel or reason when given. */
  async list(
    accountId: string,
    page: { afterId: number; limit: number; channel?: Channel; reason?: SuppressionReason },
  ): Promise<Suppression[]> {
    const filters = [
      ...(page.channel ? [{ sql: 'channel = ?', param: page.channel }] : []),
      ...(page.reason ? [{ sql: 'reason = ?', param: page.reason }] : []),
    ];
    const rows = await this.sql.all<SuppressionRow>(
      `SELECT ${COLUMNS} FROM suppressions ${this.sql.dialect.forceIndex('ix_suppressions_account')}
       WHERE account_id = ? AND id > ?${filters.map((f) => ` AND ${f.sql}`).join('')}
       ORDER BY id LIMIT ?`,
      [accountId, page.afterId, ...filters.map((f) => f.param), page.limit],
    );
    return rows.map(suppressionOf);
  }

  /**
   * The one-click unsubscribe of a message's link: its address joins the list of the sendout's
   * channel as `unsubscribed`. Answers whether it was new; false also when the message is not the
   * account's (or is gone), which the caller cannot tell apart and need not.
   */
  async unsubscribe(accountId: string, messageId: number): Promise<boolean> {
    const added = await suppressMessageAddresses(this.sql, [messageId], 'unsubscribed', {
      prefix: 'unsubscribe link, sendout ',
      column: 's.id',
      accountId,
    });
    return added > 0;
  }

  /** Removes an address from the list; answers whether it was there. */
  async remove(accountId: string, channel: Channel, address: string): Promise<boolean> {
    const removed = await this.sql.run('DELETE FROM suppressions WHERE account_id = ? AND channel = ? AND address = ?', [
      accountId,
      channel,
      address,
    ]);
    return removed > 0;
  }
}

/**
 * Suppresses the addresses `messageIds` were sent to, with one `INSERT IGNORE … SELECT`: the channel
 * is the sendout's integration's, the address the contact's phone for SMS and for email the
 * recipient an email API request named (email_messages.to_address), else the contact's email,
 * trimmed and lower-cased as the list stores it. Messages without that address add nothing. The
 * source is `prefix` followed by the message's or the sendout's id. Answers how many were new.
 */
export function suppressMessageAddresses(
  sql: Sql,
  messageIds: number[],
  reason: SuppressionReason,
  source: { prefix: string; column: 'm.id' | 's.id'; accountId?: string },
): Promise<number> {
  const { dialect } = sql;
  const address = `CASE i.channel WHEN '${Channel.EMAIL}' THEN LOWER(TRIM(COALESCE(em.to_address, c.email))) ELSE c.phone END`;
  const sourceText = `SUBSTR(${dialect.concat('?', `CAST(${source.column} AS CHAR)`)}, 1, ${MAX_SUPPRESSION_SOURCE})`;
  return sql.run(
    `${dialect.insertIgnore} INTO suppressions (account_id, channel, address, reason, source, created_at)
     SELECT s.account_id, i.channel, ${address}, ?, ${sourceText}, ?
     FROM messages m
     JOIN sendouts s ON s.id = m.sendout_id
     JOIN esp_integrations i ON i.id = s.integration_id AND i.account_id = s.account_id
     JOIN contacts c ON c.id = m.contact_id AND c.account_id = s.account_id
     LEFT JOIN email_messages em ON em.sendout_id = m.sendout_id AND em.contact_id = m.contact_id
     WHERE m.id IN (${dialect.placeholders(messageIds.length)})${source.accountId ? ' AND s.account_id = ?' : ''}
       AND COALESCE(${address}, '') <> ''`,
    [reason, source.prefix, dialect.timestamp(new Date()), ...messageIds, ...(source.accountId ? [source.accountId] : [])],
  );
}
