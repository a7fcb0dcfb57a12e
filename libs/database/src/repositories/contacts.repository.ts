import { SegmentFilter, compileSegmentFilter } from '@sendgate/domain';
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

  /** Upserts by (account, externalId) with multi-row statements; answers how many rows it wrote. */
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
            c.email ?? null,
            c.phone ?? null,
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
