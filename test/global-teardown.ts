import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dropTestDatabase } from './test-database';

export default async function globalTeardown(): Promise<void> {
  // The pid file, not the pid we started: a durability test may have restarted the server.
  const dir = process.env.SENDGATE_TEST_DIR;
  const pidFile = dir ? join(dir, 'temporal.pid') : undefined;
  if (pidFile && existsSync(pidFile)) await stopProcessGroup(Number(readFileSync(pidFile, 'utf8')));
  const url = process.env.SENDGATE_TEST_MYSQL_URL;
  if (url) await dropTestDatabase(url);
  if (process.env.SENDGATE_TEST_DIR) rmSync(process.env.SENDGATE_TEST_DIR, { recursive: true, force: true });
}

/** SIGTERM, then wait (up to 15 s, then SIGKILL) so nothing writes into the folder we delete. */
async function stopProcessGroup(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let waited = 0; alive() && waited < 15_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(-pid, 'SIGKILL');
}
