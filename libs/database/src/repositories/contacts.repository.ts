import { SegmentFilter, compileSegmentFilter, normalizeEmail, normalizePhone } from '@sendgate/domain';
import { ContactEntity } from '../entities/contact.entity';
import { Sql, chunk } from '../sql';

export interface ContactInput {
  externalId: string;
  email?: string | null;
  phone?: string | null;
  attributes?: Record<string, unknown> | null;
}

const ROWS_PER_STATEMENT = 500;

export class ContactsRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Upserts by (account, externalId) with multi-row statements; answers how many rows it wrote.
   * Addresses are stored normalised (normalizeEmail, normalizePhone): a blank one is none.
   */
  async upsertMany(accountId: string, contacts: ContactInput[]): Promise<number> {
    const { dialect } = this.sql;
    const now = dialect.timestamp(new Date());
    const onConflict = dialect.onConflictUpdate(['account_id', 'external_id'], ['email', 'phone', 'attributes', 'updated_at']);
    return this.sql.transaction(async (tx) => {
      let written = 0;
      for (const rows of chunk(contacts, ROWS_PER_STATEMENT)) {
        const params: unknown[] = [];
        for (const c of rows) {
          params.push(
            accountId,
            c.externalId,
            normalizeEmail(c.email),
            normalizePhone(c.phone),
            c.attributes ? JSON.stringify(c.attributes) : null,
            now,
            now,
          );
        }
        written += await tx.run(
          `INSERT INTO contacts (account_id, external_id, email, phone, attributes, created_at, updated_at)
           VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')} ${onConflict}`,
          params,
        );
      }
      return written;
    });
  }

  /**
   * The ids of the account's contacts with these external ids, creating the missing ones with the
   * given email, normalised (existing contacts are left as they are): one INSERT IGNORE and one
   * SELECT per 1,000.
   */
  async ensure(accountId: string, contacts: Array<{ externalId: string; email: string }>): Promise<Map<string, number>> {
    const { dialect } = this.sql;
    const now = dialect.timestamp(new Date());
    const ids = new Map<string, number>();
    for (const rows of chunk(contacts, 1_000)) {
      await this.sql.run(
        `${dialect.insertIgnore} INTO contacts (account_id, external_id, email, created_at, updated_at)
         VALUES ${rows.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
        rows.flatMap((c) => [accountId, c.externalId, normalizeEmail(c.email), now, now]),
      );
      const found = await this.sql.all<{ id: number | string; external_id: string }>(
        `SELECT id, external_id FROM contacts WHERE account_id = ? AND external_id IN (${dialect.placeholders(rows.length)})`,
        [accountId, ...rows.map((c) => c.externalId)],
      );
      for (const row of found) ids.set(row.external_id, Number(row.id));
    }
    return ids;
  }

  async findByExternalId(accountId: string, externalId: string): Promise<ContactEntity | undefined> {
    return (await this.sql.dataSource.getRepository(ContactEntity).findOneBy({ accountId, externalId })) ?? undefined;
  }

  async countSegment(accountId: string, filter: SegmentFilter): Promise<number> {
    const where = compileSegmentFilter(filter, this.sql.dialect, 'c');
    const row = await this.sql.one<{ n: number | string }>(`SELECT COUNT(*) AS n FROM contacts c WHERE c.account_id = ? AND ${where.sql}`, [
      accountId,
      ...where.params,
    ]);
    return Number(row?.n ?? 0);
  }
}
