/**
 * Generation: a sendout's messages inserted from its audience, one INSERT … SELECT per keyset page
 * of contacts, each message's state (and an EXCLUDED one's reason) computed in the statement
 * itself (see generated-state.ts). The base of MessagesRepository, which adds the send path.
 */
import { Channel, FeedbackEvent, MessageState, SegmentFilter, SendoutAudience, compileSegmentFilter } from '@sendgate/domain';
import { Sql, chunk } from '../sql';
import { AudienceSource, audienceSource } from './audience-source';
import { recordFeedback } from './feedback-outbox';
import { GenerateOptions, GeneratedState, generatedState } from './generated-state';

const IN_LIST_LIMIT = 1_000;

export class MessageGeneration {
  constructor(protected readonly sql: Sql) {}

  /**
   * Inserts the next page of a segment's contacts as messages, starting after the highest
   * contact already generated (so a retried activity resumes where it stopped). A contact without
   * the address `needs` gets an EXCLUDED message with the reason (see generatedState).
   * Answers how many rows it inserted.
   */
  async generateSegmentPage(
    args: { sendoutId: string; accountId: string; filter: SegmentFilter; pageSize: number } & GenerateOptions,
  ): Promise<number> {
    const { dialect } = this.sql;
    const where = compileSegmentFilter(args.filter, dialect, 'c');
    const after = await this.lastGeneratedContactId(args.sendoutId);
    const generated = generatedState(await this.withListedSuppression(args, args.accountId), dialect);
    return this.generatePage(args, after, (sql) =>
      insertMessages(sql, args.sendoutId, generated, {
        contactId: 'c.id',
        from: `contacts c ${dialect.forceIndex('ix_contacts_account_id')}`,
        where: `c.account_id = ? AND c.id > ? AND ${where.sql}`,
        whereParams: [args.accountId, after, ...where.params],
        limit: args.pageSize,
      }),
    );
  }

  /**
   * Inserts the next page of a journey step's audience as messages (an earlier sendout's path, a
   * segment or a list, narrowed by branch conditions; see audienceSource), starting after the highest
   * contact already generated, as generateSegmentPage does. `segmentFilter` is the filter of
   * `audience.segmentId`, which the caller loads. Answers how many rows it inserted, or for an
   * earlier sendout's path how many its page held: fewer than `pageSize` only on the last page.
   *
   * An earlier sendout's path is read from `messages`, the table the page inserts into. The SELECT's
   * rows then go to a temporary table before they are inserted, and on MariaDB the LIMIT no longer
   * stopped the read: every page read the rest of the earlier sendout (100,000 rows for a page of
   * 5,000 at the start). Such a page is bounded first: the contact id its last row has, read by the same
   * keyset, then an INSERT … SELECT of that contact id range.
   */
  async generateAudiencePage(
    args: {
      sendoutId: string;
      accountId: string;
      audience: SendoutAudience;
      segmentFilter?: SegmentFilter;
      pageSize: number;
    } & GenerateOptions,
  ): Promise<number> {
    const { dialect } = this.sql;
    const after = await this.lastGeneratedContactId(args.sendoutId);
    const source = audienceSource(args.audience, args.accountId, after, dialect, args.segmentFilter);
    const generated = generatedState(await this.withListedSuppression(args, args.accountId), dialect);
    const page = args.audience.from ? await this.pageBound(source, args.pageSize) : undefined;
    if (page?.rows === 0) return 0;
    const inserted = await this.generatePage(args, after, (sql) =>
      insertMessages(sql, args.sendoutId, generated, {
        hint: source.hint,
        contactId: source.contactId,
        from: source.from,
        where: page ? `${source.where} AND ${source.contactId} <= ?` : source.where,
        whereParams: page ? [...source.params, page.lastContactId] : source.params,
        limit: args.pageSize,
      }),
    );
    // A row that left the path between the two statements is not inserted; the page was full all the same.
    return page ? page.rows : inserted;
  }

  /** How many contacts the next keyset page of `source` holds (at most `limit`), and the last one's id. */
  private async pageBound(source: AudienceSource, limit: number): Promise<{ rows: number; lastContactId: number }> {
    const row = await this.sql.one<{ n: number | string; last: number | string | null }>(
      `SELECT COUNT(*) AS n, MAX(cid) AS last FROM (
         SELECT ${source.hint} ${source.contactId} AS cid FROM ${source.from} WHERE ${source.where} ORDER BY ${source.contactId} LIMIT ?
       ) page`,
      [...source.params, limit],
    );
    return { rows: Number(row?.n ?? 0), lastContactId: Number(row?.last ?? 0) };
  }

  /**
   * The options without their suppression check when the account's list for the channel is empty:
   * the join then could only find nothing, and an account that never suppressed anyone generates as
   * fast as before. Asked per page, so an entry added meanwhile applies from the next page on.
   */
  private async withListedSuppression<T extends GenerateOptions>(options: T, accountId: string): Promise<T> {
    if (!options.suppression) return options;
    const any = await this.sql.one('SELECT 1 AS listed FROM suppressions WHERE account_id = ? AND channel = ? LIMIT 1', [
      accountId,
      options.suppression.channel,
    ]);
    return any ? options : { ...options, suppression: undefined };
  }

  /**
   * Runs a page's INSERT … SELECT at READ COMMITTED: under MySQL's default isolation it would
   * share-lock every contact and suppression entry it reads (blocking contact updates meanwhile, and
   * paying a lock per row). With feedback on and an address or list to check, queues the `exclude`
   * events of the page's EXCLUDED messages in the same transaction: those above `after` when the
   * page is a contact range, else the sendout's (read along its state index). A retried page finds
   * its rows inserted and queues nothing twice (unique key).
   */
  private async generatePage(
    args: { sendoutId: string } & GenerateOptions,
    after: number | undefined,
    insert: (sql: Sql) => Promise<number>,
  ): Promise<number> {
    const queuesExcluded = args.feedback && (args.needs || args.suppression);
    return this.sql.transaction(
      async (tx) => {
        const inserted = await insert(tx);
        if (inserted > 0 && queuesExcluded)
          await recordFeedback(tx, FeedbackEvent.EXCLUDE, { sendoutId: args.sendoutId, afterContactId: after });
        return inserted;
      },
      { readCommitted: true },
    );
  }

  /**
   * Inserts messages for contacts named by external id; re-running inserts nothing twice. The
   * email address checked is the one an email API request gave for the contact, else the contact's.
   */
  async generateForExternalIds(args: { sendoutId: string; accountId: string; externalIds: string[] } & GenerateOptions): Promise<number> {
    const { dialect } = this.sql;
    // the email API keeps the address as its client spelled it
    const given = 'COALESCE(em.to_address, c.email)';
    const generated = generatedState(await this.withListedSuppression(args, args.accountId), dialect, given, `LOWER(TRIM(${given}))`);
    // only an email check or an email suppression list reads the email API's recipients
    const readsEmail = args.needs === 'email' || args.suppression?.channel === Channel.EMAIL;
    const recipients = readsEmail ? 'LEFT JOIN email_messages em ON em.sendout_id = ? AND em.contact_id = c.id' : '';
    let inserted = 0;
    for (const ids of chunk(args.externalIds, IN_LIST_LIMIT)) {
      const insert = (sql: Sql) =>
        insertMessages(sql, args.sendoutId, generated, {
          contactId: 'c.id',
          from: `contacts c ${recipients}`,
          fromParams: recipients ? [args.sendoutId] : [],
          where: `c.account_id = ? AND c.external_id IN (${dialect.placeholders(ids.length)})`,
          whereParams: [args.accountId, ...ids],
        });
      inserted += await this.generatePage(args, undefined, insert);
    }
    return inserted;
  }

  async lastGeneratedContactId(sendoutId: string): Promise<number> {
    const row = await this.sql.one<{ last: number | string | null }>('SELECT MAX(contact_id) AS last FROM messages WHERE sendout_id = ?', [
      sendoutId,
    ]);
    return Number(row?.last ?? 0);
  }

  /** How many of a sendout's messages are EXCLUDED, by reason (read along the (sendout_id, state) index). */
  async countExcludedByReason(sendoutId: string): Promise<Record<string, number>> {
    const rows = await this.sql.all<{ reason: string | null; n: number | string }>(
      'SELECT reason, COUNT(*) AS n FROM messages WHERE sendout_id = ? AND state = ? GROUP BY reason',
      [sendoutId, MessageState.EXCLUDED],
    );
    return Object.fromEntries(rows.map((r) => [r.reason ?? '', Number(r.n)]));
  }
}

/** Where a generation statement takes its contacts from. */
interface MessageSource {
  /** An optimizer hint, right after SELECT. */
  hint?: string;
  /** The contact id column. */
  contactId: string;
  /** The FROM clause with any join before the suppression join, and that join's parameters. */
  from: string;
  fromParams?: unknown[];
  where: string;
  whereParams: unknown[];
  /** A keyset page of this many contacts, in contact id order; none for a list of contacts. */
  limit?: number;
}

/** One INSERT … SELECT of messages for the source's contacts, each with its generated state and idempotency key. */
function insertMessages(sql: Sql, sendoutId: string, generated: GeneratedState, source: MessageSource): Promise<number> {
  const { dialect } = sql;
  const now = dialect.timestamp(new Date());
  const paged = source.limit !== undefined;
  const key = dialect.concat('?', source.contactId);
  return sql.run(
    `${dialect.insertIgnore} INTO messages (sendout_id, contact_id, state, reason, idempotency_key, attempts, created_at, updated_at)
     SELECT ${source.hint ?? ''} ?, ${source.contactId}, ${generated.state}, ${generated.reason}, ${key}, 0, ?, ?
     FROM ${source.from} ${generated.join}
     WHERE ${source.where}
     ${paged ? `ORDER BY ${source.contactId} LIMIT ?` : ''}`,
    [
      sendoutId,
      ...generated.selectParams,
      `${sendoutId}:`,
      now,
      now,
      ...(source.fromParams ?? []),
      ...generated.joinParams,
      ...source.whereParams,
      ...(paged ? [source.limit] : []),
    ],
  );
}
