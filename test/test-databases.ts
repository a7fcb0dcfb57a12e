/**
 * Repository tests run the same cases on both databases Sendgate supports: SQLite in memory and
 * the db tier's MariaDB database, each migrated with the product's own migrations. Tests make
 * their own accounts and sendouts (fresh ids) instead of truncating tables.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '../libs/config/src/config';
import { MessageState } from '../libs/domain/src/states';
import { migrate, openDataSource } from '../libs/database/src/data-source';
import { AccountEntity } from '../libs/database/src/entities';
import { ContactInput, ContactsRepository } from '../libs/database/src/repositories/contacts.repository';
import { MessagesRepository } from '../libs/database/src/repositories/messages.repository';
import { Sql } from '../libs/database/src/sql';

export type TestDatabaseKind = 'sqlite' | 'mysql';

export class TestDatabase {
  dataSource: DataSource;
  sql: Sql;

  constructor(readonly kind: TestDatabaseKind) {}

  async open(): Promise<void> {
    this.dataSource = this.kind === 'sqlite' ? await openDataSource({ type: 'sqlite', path: ':memory:' }) : await openMariaDb();
    if (this.kind === 'sqlite') await migrate(this.dataSource);
    this.sql = new Sql(this.dataSource);
  }

  async close(): Promise<void> {
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
  }

  async account(): Promise<string> {
    const id = randomUUID();
    await this.dataSource.getRepository(AccountEntity).insert({ id, name: `test ${id}` });
    return id;
  }

  /** Contacts `${prefix}-1` … `${prefix}-${count}` of a new account, with `attributes(i)`; answers the account. */
  async accountWithContacts(count: number, attributes: (i: number) => Record<string, unknown> = () => ({}), prefix = 'c'): Promise<string> {
    const accountId = await this.account();
    const contacts: ContactInput[] = Array.from({ length: count }, (_, i) => ({
      externalId: `${prefix}-${i + 1}`,
      email: `${prefix}-${i + 1}@example.com`,
      attributes: attributes(i + 1),
    }));
    await new ContactsRepository(this.sql).upsertMany(accountId, contacts);
    return accountId;
  }

  /** A sendout id with one message per contact of the account, in `state`; answers the message ids in order. */
  async messages(
    accountId: string,
    count: number,
    state: MessageState,
    sendoutId = randomUUID(),
  ): Promise<{ sendoutId: string; ids: number[] }> {
    const externalIds = Array.from({ length: count }, (_, i) => `c-${i + 1}`);
    await new MessagesRepository(this.sql).generateForExternalIds({ sendoutId, accountId, externalIds, state });
    const rows = await this.sql.all<{ id: number | string }>('SELECT id FROM messages WHERE sendout_id = ? ORDER BY id', [sendoutId]);
    return { sendoutId, ids: rows.map((r) => Number(r.id)) };
  }

  async states(ids: number[]): Promise<Array<{ id: number; state: MessageState; reason: string | null; attempts: number }>> {
    const rows = await this.sql.all<{ id: number | string; state: MessageState; reason: string | null; attempts: number | string }>(
      `SELECT id, state, reason, attempts FROM messages WHERE id IN (${this.sql.dialect.placeholders(ids.length)}) ORDER BY id`,
      ids,
    );
    return rows.map((r) => ({ id: Number(r.id), state: r.state, reason: r.reason, attempts: Number(r.attempts) }));
  }
}

/**
 * Declares `cases` once per database, each with its own open database for the block. The MariaDB
 * database comes from the db tier's global setup (SENDGATE_TEST_DB_URL).
 */
export function describeOnEachDatabase(cases: (db: TestDatabase) => void): void {
  describe.each<TestDatabaseKind>(['sqlite', 'mysql'])('on %s', (kind) => {
    const db = new TestDatabase(kind);
    beforeAll(() => db.open());
    afterAll(() => db.close());
    cases(db);
  });
}

async function openMariaDb(): Promise<DataSource> {
  const url = process.env.SENDGATE_TEST_DB_URL;
  if (!url)
    throw new Error(
      'SENDGATE_TEST_DB_URL is not set: run repository tests through the db tier (npm run test:db), ' +
        'whose global setup creates the database',
    );
  const dataSource = await openDataSource(loadConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '4' }).database);
  // Test files may run in parallel workers: one migrates, the others wait on the lock and find nothing to do.
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query("SELECT GET_LOCK('sendgate_test_migrate', 120)");
    await migrate(dataSource);
  } finally {
    await runner.query("SELECT RELEASE_LOCK('sendgate_test_migrate')").catch(() => undefined);
    await runner.release();
  }
  return dataSource;
}
