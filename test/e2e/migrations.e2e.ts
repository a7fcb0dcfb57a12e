import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../libs/config/src/config';
import { migrate, openDataSource } from '../../libs/database/src/data-source';
import { MIGRATIONS } from '../../libs/database/src/migrations';
import { SandboxAccounts1764200000000 } from '../../libs/database/src/migrations/1764200000000-sandbox-accounts';

const TABLES = [
  'accounts',
  'api_keys',
  'projects',
  'contacts',
  'segments',
  'esp_integrations',
  'sendouts',
  'messages',
  'sandbox_messages',
  'send_gate_endpoints',
  'sendout_gates',
  'gate_data',
  'gate_deliveries',
  'rate_windows',
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
  await checkSandboxAccounts(dataSource);
}

/** Sandbox rows from before accounts: those of a sendout get its account; the rest are dropped. */
async function checkSandboxAccounts(dataSource: DataSource): Promise<void> {
  const accountId = randomUUID();
  const sendoutId = randomUUID();
  await dataSource.query(
    `INSERT INTO sendouts
       (id, account_id, project_id, name, kind, integration_id, content, stage, workflow_id, mode, gate_enabled, gate_split)
     VALUES (?, ?, ?, 'old', 'batch', ?, '{}', 'COMPLETED', ?, 'journey', 0, 0)`,
    [sendoutId, accountId, randomUUID(), randomUUID(), `sendout-${sendoutId}`],
  );
  const reverted = MIGRATIONS.length - MIGRATIONS.indexOf(SandboxAccounts1764200000000); // it and any later ones
  for (let i = 0; i < reverted; i++) await dataSource.undoLastMigration({ transaction: 'each' });
  await dataSource.query(
    "INSERT INTO sandbox_messages (idempotency_key, recipient, payload) VALUES (?, 'a@example.com', '{}'), (?, NULL, '{}')",
    [`${sendoutId}:1`, `test:${randomUUID()}`],
  );
  expect(await migrate(dataSource)).toHaveLength(reverted);
  expect(await dataSource.query('SELECT account_id, idempotency_key FROM sandbox_messages')).toEqual([
    { account_id: accountId, idempotency_key: `${sendoutId}:1` },
  ]);
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
