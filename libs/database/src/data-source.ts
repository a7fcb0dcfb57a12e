import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '@sendgate/config';
import { assertNever } from '@sendgate/domain';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export function dataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, logging: false as const };
  switch (db.type) {
    case 'mysql':
      return {
        ...common,
        type: 'mysql',
        url: db.url,
        charset: 'utf8mb4_unicode_ci',
        timezone: 'Z',
        supportBigNumbers: true,
        bigNumberStrings: false,
        poolSize: db.poolSize,
        extra: { enableKeepAlive: true },
      };
    case 'sqlite':
      return { ...common, type: 'better-sqlite3', database: db.path, enableWAL: true, timeout: 15_000 };
    default:
      return assertNever(db);
  }
}

/** Opens the database (creating the SQLite file's folder when needed). */
export async function openDataSource(db: DatabaseConfig): Promise<DataSource> {
  if (db.type === 'sqlite' && db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
  return new DataSource(dataSourceOptions(db)).initialize();
}

/** Applies pending migrations; answers the names of those it applied. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}
