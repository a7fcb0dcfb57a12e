/** Stops and restarts the suite's Temporal dev server on the same database file (durability tests). */
import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { waitFor } from './wait';

const pidFile = () => join(process.env.SENDGATE_TEST_DIR!, 'temporal.pid');

export function temporalPid(): number {
  return Number(readFileSync(pidFile(), 'utf8'));
}

export async function stopTemporal(): Promise<void> {
  const pid = temporalPid();
  process.kill(-pid, 'SIGTERM');
  await waitFor('the Temporal dev server to stop', 30_000, () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  });
}

export async function startTemporalAgain(): Promise<void> {
  const args: string[] = JSON.parse(process.env.SENDGATE_TEST_TEMPORAL_ARGS!);
  const log = openSync(join(process.env.SENDGATE_TEST_DIR!, 'temporal.log'), 'a');
  const child = spawn(process.env.SENDGATE_TEMPORAL_CLI || 'temporal', args, { stdio: ['ignore', log, log], detached: true });
  child.unref();
  writeFileSync(pidFile(), String(child.pid));
  const address = process.env.SENDGATE_TEST_TEMPORAL_ADDRESS!;
  await waitFor('the Temporal dev server to answer again', 60_000, async () => {
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  });
}
