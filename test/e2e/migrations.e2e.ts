import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../libs/config/src/config';
import { migrate, openDataSource } from '../../libs/database/src/data-source';
import { MIGRATIONS } from '../../libs/database/src/migrations';

const TABLES = [
  'accounts', 'api_keys', 'projects', 'contacts', 'segments', 'esp_integrations', 'sendouts', 'messages', 'sandbox_messages',
  'send_gate_endpoints', 'sendout_gates', 'gate_data', 'gate_deliveries', 'rate_windows',
];

async function tables(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const found = await Promise.all(TABLES.map(async (t) => ((await runner.hasTable(t)) ? t : undefined)));
    return found.filter((t): t is string => t !== undefined);
  } finally {
    await runner.release();
  }
}

async function checkMigrations(dataSource: DataSource): Promise<void> {
  expect(await migrate(dataSource)).toEqual(MIGRATIONS.map((m) => new m().name));
  expect(await tables(dataSource)).toEqual(TABLES);
  expect(await migrate(dataSource)).toEqual([]);

  for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
  expect(await tables(dataSource)).toEqual([]);

  expect(await migrate(dataSource)).toHaveLength(MIGRATIONS.length);
  expect(await tables(dataSource)).toEqual(TABLES);
}

describe('migrations', () => {
  it('apply, revert and re-apply on MariaDB / MySQL', async () => {
    const base = process.env.SENDGATE_TEST_MYSQL_URL!;
    const server = base.slice(0, base.lastIndexOf('/'));
    const name = `sendgate_migrations_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = await createConnection(server);
    await admin.query(`CREATE DATABASE \`${name}\``);
    const dataSource = await openDataSource(loadConfig({ DATABASE_URL: `${server}/${name}` }).database);
    try {
      await checkMigrations(dataSource);
    } finally {
      await dataSource.destroy();
      await admin.query(`DROP DATABASE \`${name}\``);
      await admin.end();
    }
  });

  it('apply, revert and re-apply on the embedded SQLite database', async () => {
    const path = join(process.env.SENDGATE_TEST_DIR!, `migrations-${randomUUID()}.sqlite`);
    const dataSource = await openDataSource(loadConfig({ SQLITE_PATH: path }).database);
    try {
      await checkMigrations(dataSource);
    } finally {
      await dataSource.destroy();
    }
  });
});
