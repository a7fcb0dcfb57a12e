/**
 * Starts one real Temporal dev server for the whole suite and creates a fresh MySQL/MariaDB
 * database for this run. What the tests need is passed on through SENDGATE_TEST_* variables.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../libs/config/src/config';
import { DEV_SERVER_FLAGS, SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { createTestDatabase } from './test-database';
import { GiveUp, freePort, waitFor } from './wait';

export default async function globalSetup(): Promise<void> {
  const workdir = mkdtempSync(join(tmpdir(), 'sendgate-test-'));
  const temporalAddress = await startTemporal(workdir);
  const mysqlUrl = await createMigratedDatabase();

  process.env.SENDGATE_TEST_DIR = workdir;
  process.env.SENDGATE_TEST_TEMPORAL_ADDRESS = temporalAddress;
  process.env.SENDGATE_TEST_MYSQL_URL = mysqlUrl;
}

async function startTemporal(workdir: string): Promise<string> {
  const cli = process.env.SENDGATE_TEMPORAL_CLI || 'temporal';
  const port = await freePort();
  const dbFile = join(workdir, 'temporal.db');
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--http-port',
    String(await freePort()),
    '--metrics-port',
    String(await freePort()),
    '--db-filename',
    dbFile,
    '--log-level',
    'error',
    ...DEV_SERVER_FLAGS,
  ];
  const logFile = join(workdir, 'temporal.log');
  const log = openSync(logFile, 'a');
  const child = spawn(cli, args, { stdio: ['ignore', log, log], detached: true });
  child.unref();
  writeFileSync(join(workdir, 'temporal.pid'), String(child.pid));
  process.env.SENDGATE_TEST_TEMPORAL_ARGS = JSON.stringify(args);
  process.env.SENDGATE_TEMPORAL_CLI = cli;

  const address = `127.0.0.1:${port}`;
  await waitFor(`Temporal dev server on ${address}`, 60_000, async () => {
    if (child.exitCode !== null) throw new GiveUp(`temporal exited with ${child.exitCode}: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    try {
      await connection.workflowService.getSystemInfo({});
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      return SEARCH_ATTRIBUTES.every((a) => a.name in (customAttributes ?? {}));
    } finally {
      await connection.close();
    }
  });
  return address;
}

async function createMigratedDatabase(): Promise<string> {
  const url = await createTestDatabase('sendgate_test');
  // Global setup runs outside Jest's module mapper, so it uses the build that `make test` made.
  const { migrate, openDataSource } = require('../dist/libs/database/src/data-source');
  const dataSource = await openDataSource(loadConfig({ DATABASE_URL: url }).database);
  try {
    await migrate(dataSource);
  } finally {
    await dataSource.destroy();
  }
  return url;
}
