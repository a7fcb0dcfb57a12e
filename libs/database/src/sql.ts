/**
 * A thin layer over TypeORM's query runner for hand-written, set-based SQL that runs on MySQL
 * (MariaDB) and SQLite alike. Both drivers take `?` placeholders; the dialect covers the rest.
 */
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { FilterDialect } from '@sendgate/domain';

export type DialectKind = 'mysql' | 'sqlite';

export class SqlDialect implements FilterDialect {
  constructor(readonly kind: DialectKind) {}

  static of(dataSource: DataSource): SqlDialect {
    return new SqlDialect(dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb' ? 'mysql' : 'sqlite');
  }

  get insertIgnore(): string {
    return this.kind === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  }

  /** The tail of an INSERT that updates `columns` from the new row when `key` already exists. */
  onConflictUpdate(key: string[], columns: string[]): string {
    return this.kind === 'mysql'
      ? `ON DUPLICATE KEY UPDATE ${columns.map((c) => `${c} = VALUES(${c})`).join(', ')}`
      : `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  }

  concat(...parts: string[]): string {
    return this.kind === 'mysql' ? `CONCAT(${parts.join(', ')})` : `(${parts.join(' || ')})`;
  }

  /** A timestamp as the driver binds it (better-sqlite3 cannot bind Date objects). */
  timestamp(date: Date): Date | string {
    return this.kind === 'mysql' ? date : date.toISOString().replace('T', ' ').replace('Z', '');
  }

  attributeText(column: string, jsonPath: string): string {
    return this.kind === 'mysql'
      ? `JSON_UNQUOTE(JSON_EXTRACT(${column}, '${jsonPath}'))`
      : `(CASE json_type(${column}, '${jsonPath}') WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ` +
          `ELSE CAST(json_extract(${column}, '${jsonPath}') AS TEXT) END)`;
  }

  attributeNumber(column: string, jsonPath: string): string {
    return this.kind === 'mysql'
      ? `CAST(JSON_UNQUOTE(JSON_EXTRACT(${column}, '${jsonPath}')) AS DECIMAL(38,10))`
      : `CAST(json_extract(${column}, '${jsonPath}') AS REAL)`;
  }

  attributeExists(column: string, jsonPath: string): string {
    return this.kind === 'mysql' ? `JSON_EXTRACT(${column}, '${jsonPath}') IS NOT NULL` : `json_type(${column}, '${jsonPath}') IS NOT NULL`;
  }

  /** A fresh random 32-hex-digit id per row, evaluated by the database (request ids of outbox rows). */
  randomId(): string {
    return this.kind === 'mysql' ? "REPLACE(UUID(), '-', '')" : 'lower(hex(randomblob(16)))';
  }

  /**
   * After a table name: read the table along `index`. MariaDB's planner may otherwise walk the
   * primary key for an ORDER BY id LIMIT, across every account's rows; or, for a keyset page
   * `WHERE owner = ? AND id > ?` over an index (owner, id), read it by `owner` alone from the
   * first entry and filter `id > ?` row by row, so each page costs as much as every page before it
   * (a 1M-row download or generation slowed six-fold towards its end). Forced, it seeks to the key.
   */
  forceIndex(index: string): string {
    return this.kind === 'mysql' ? `FORCE INDEX (${index})` : `INDEXED BY ${index}`;
  }

  /** After SELECT: join the tables in the order written (a filter on a joined table must not make it the driving one). */
  get straightJoin(): string {
    return this.kind === 'mysql' ? 'STRAIGHT_JOIN' : '';
  }

  /** After a SELECT in a transaction: lock the rows read until the commit (SQLite's transactions take turns instead). */
  get forUpdate(): string {
    return this.kind === 'mysql' ? ' FOR UPDATE' : '';
  }

  placeholders(count: number): string {
    return new Array(count).fill('?').join(', ');
  }
}

/** Runs SQL on the pool, or inside a transaction when given one. */
export class Sql {
  readonly dialect: SqlDialect;

  constructor(
    readonly dataSource: DataSource,
    private readonly manager?: EntityManager,
  ) {
    this.dialect = SqlDialect.of(dataSource);
  }

  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.withRunner((runner) => runner.query(sql, params, true));
    return (result.records ?? []) as T[];
  }

  async one<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Executes a write and answers how many rows it changed. */
  async run(sql: string, params: unknown[] = []): Promise<number> {
    const result = await this.withRunner((runner) => runner.query(sql, params, true));
    return result.affected ?? 0;
  }

  /**
   * Runs `work` in a transaction. `readCommitted` (MySQL only; SQLite transactions take turns) reads
   * the rows that `INSERT … SELECT` and `UPDATE … (SELECT …)` only look at without locking them, so
   * concurrent set-based writes over disjoint rows do not deadlock on what they merely read.
   */
  async transaction<T>(work: (tx: Sql) => Promise<T>, options: { readCommitted?: boolean } = {}): Promise<T> {
    if (this.manager) return work(this);
    return inTransaction(this.dataSource, (manager) => work(new Sql(this.dataSource, manager)), options.readCommitted);
  }

  private async withRunner<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    if (this.manager?.queryRunner) return work(this.manager.queryRunner);
    const runner = this.dataSource.createQueryRunner();
    try {
      return await work(runner);
    } finally {
      await runner.release();
    }
  }
}

const sqliteTurns = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs `work` in a transaction. SQLite has one connection, on which a second BEGIN while a
 * transaction is open fails both: there, transactions take turns. MySQL runs them side by side.
 */
export function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>, readCommitted = false): Promise<T> {
  if (SqlDialect.of(dataSource).kind === 'mysql')
    return readCommitted ? dataSource.transaction('READ COMMITTED', work) : dataSource.transaction(work);
  const turn = (sqliteTurns.get(dataSource) ?? Promise.resolve()).then(() => dataSource.transaction(work));
  sqliteTurns.set(
    dataSource,
    turn.catch(() => undefined),
  );
  return turn;
}

/** Splits a list into slices of at most `size`, for bounded IN (...) lists and multi-row inserts. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A timestamp column as read back: a Date from MySQL, 'YYYY-MM-DD HH:MM:SS.SSS' (UTC) text from SQLite. */
export function readTimestamp(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}

/** MySQL's answer when a transaction lost a deadlock (1213) or waited too long for a lock (1205): retrying it is the remedy. */
export function isLockConflict(error: unknown): boolean {
  const errno = (error as { errno?: number; driverError?: { errno?: number } })?.driverError?.errno ?? (error as { errno?: number })?.errno;
  return errno === 1213 || errno === 1205;
}

/** How often a statement or transaction that lost a deadlock runs again before its error is thrown. */
const LOCK_CONFLICT_ATTEMPTS = 5;

/**
 * Runs `work` again when MySQL picked it as a deadlock's loser or it waited too long for a lock
 * (its changes were rolled back), after a short random pause. Only for work whose statements are
 * conditional on the current state, so that running it again changes nothing twice.
 */
export async function retryLockConflicts<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isLockConflict(error) || attempt >= LOCK_CONFLICT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
