/**
 * A Sendgate stack for benchmarks: the test harness's stack (the API in this process, or in its
 * own when asked, the worker in its own, a fresh MariaDB/MySQL database) on the Temporal at
 * TEMPORAL_ADDRESS, with production timeouts, and a loopback ESP in its own process.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { SendgateConfig } from '../libs/config/src/config';
import { SegmentFilter } from '../libs/domain/src/segment-filter';
import { Sql } from '../libs/database/src/sql';
import { TestStack } from '../test/harness';
import { createTestDatabase, dropTestDatabase } from '../test/test-database';
import { waitFor } from '../test/wait';
import { cpuMeter, pidsNamed } from './process-cpu';

const ROOT = join(__dirname, '../..');
/** The defaults of production, where the harness shortens them for tests. */
const PRODUCTION_TIMEOUTS = { SENDOUT_HEARTBEAT_TIMEOUT_MS: '30000', SENDGATE_OUTBOUND_TIMEOUT_MS: '15000' };

export interface BenchStack {
  config: SendgateConfig;
  sql: Sql;
  accountId: string;
  api: string;
  espUrl: string;
  call: (method: string, path: string, body?: unknown) => Promise<any>;
  espStats: () => Promise<{ requests: number; distinctKeys: number; firstAt: number | null }>;
  espKeys: () => Promise<string[]>;
  espReset: () => Promise<void>;
  /** The processes whose memory and CPU a bench samples; the API's is this process's unless it runs in its own. */
  pids: { workers: number[]; receiver: number; api: number; apiInOwnProcess: boolean };
  stop: () => Promise<void>;
}

export interface BenchStackOptions {
  /**
   * Runs the API as its own process (`dist/apps/api/src/main.js`, the harness's environment, the
   * same port), so its resident memory is the API's alone and not the bench driver's too.
   */
  apiProcess?: boolean;
}

export async function startBenchStack(options: BenchStackOptions = {}): Promise<BenchStack> {
  const mysqlUrl = await createTestDatabase('sendgate_bench');
  const tuning = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => /^(SENDOUT_|WORKER_|SENDGATE_FEEDBACK_|SENDGATE_GATE_DECISION_)/.test(name)),
  ) as Record<string, string>;
  let receiver: LoopbackReceiver | undefined;
  let stack: TestStack | undefined;
  let api: ChildProcess | undefined;
  const stop = async () => {
    receiver?.stop();
    if (api) await stopChild(api);
    await stack?.stop();
    await dropTestDatabase(mysqlUrl);
  };
  try {
    receiver = await startLoopbackReceiver('/send');
    const espUrl = receiver.url;
    stack = await TestStack.start({
      database: 'mysql',
      mysqlUrl,
      temporalAddress: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      env: { ...PRODUCTION_TIMEOUTS, ...tuning },
    });
    if (options.apiProcess) {
      // The in-process API gives its port to the API process; the gate URIs keep their base URL.
      await stack.app.close();
      api = await spawnApi(stack);
    }
    // BENCH_WORKER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the worker;
    // BENCH_WORKERS (default 1) worker processes poll the task queue side by side (the first is sampled).
    const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const workers: number[] = [];
    for (let i = 0; i < workerCount(); i++) workers.push((await stack.startWorker({}, nodeArgs)).child.pid!);
    const started = stack;
    const call = async (method: string, path: string, body?: unknown) => {
      const { status, body: answer } = await started.request(method, path, body);
      if (status >= 400) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(answer)}`);
      return answer;
    };
    const esp = receiver;
    return {
      config: stack.config,
      sql: new Sql(stack.dataSource),
      accountId: stack.accountId,
      api: stack.baseUrl,
      espUrl,
      call,
      stop,
      espStats: () => esp.stats(),
      espKeys: () => esp.keys(),
      espReset: () => esp.reset(),
      pids: {
        workers,
        receiver: receiver.pid,
        api: api?.pid ?? process.pid,
        apiInOwnProcess: api !== undefined,
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export function workerCount(): number {
  const count = Number(process.env.BENCH_WORKERS ?? 1);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`BENCH_WORKERS must be a whole number from 1 (got "${process.env.BENCH_WORKERS}")`);
  return count;
}

/** Uploads `count` contacts tagged with `cohort`, 10,000 per call; answers rows per second. */
export async function uploadContacts(stack: BenchStack, count: number, cohort: string): Promise<number> {
  const started = performance.now();
  for (let offset = 0; offset < count; offset += 10_000) {
    const contacts = Array.from({ length: Math.min(10_000, count - offset) }, (_, i) => ({
      externalId: `${cohort}-${offset + i}`,
      email: `${cohort}${offset + i}@example.com`,
      attributes: { firstName: `User${offset + i}`, cohort },
    }));
    await stack.call('POST', '/v1/contacts/batch', { contacts });
  }
  return count / ((performance.now() - started) / 1000);
}

/** The segment of the contacts `uploadContacts` tagged with `cohort`. */
export function cohortFilter(cohort: string): SegmentFilter {
  return { all: [{ attribute: 'cohort', op: 'eq', value: cohort }] };
}

/** A project, `count` contacts in one segment, and an active loopback integration; answers their ids and the upload rate. */
export async function prepareAudience(
  stack: BenchStack,
  options: { name: string; cohort: string; count: number; payloadTemplate: string },
) {
  const project = await stack.call('POST', '/v1/projects', { name: options.name });
  const upsertRate = await uploadContacts(stack, options.count, options.cohort);
  const segment = await stack.call('POST', '/v1/segments', { name: options.cohort, filter: cohortFilter(options.cohort) });
  const integration = await stack.call('POST', '/v1/integrations', {
    name: 'loopback',
    channel: 'email',
    url: stack.espUrl,
    payloadTemplate: options.payloadTemplate,
  });
  await stack.call('POST', `/v1/integrations/${integration.id}/activate`);
  return { projectId: project.id as string, segmentId: segment.id as string, integrationId: integration.id as string, upsertRate };
}

/**
 * Waits until the sendout has ended, reading its stage column every `intervalMs`, and answers its
 * view (GET /v1/sendouts/:id) once. Not the view in the loop: its counts group every message of the
 * sendout (100,000 rows, about 50 ms of the database each time), and a poll every 200 ms took a
 * quarter of a database core from the system it measured.
 */
export async function untilSendoutEnds(stack: BenchStack, sendoutId: string, intervalMs = 200): Promise<any> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const row = await stack.sql.one<{ stage: string }>('SELECT stage FROM sendouts WHERE id = ?', [sendoutId]);
    if (['COMPLETED', 'FAILED', 'CANCELED'].includes(row?.stage ?? '')) return stack.call('GET', `/v1/sendouts/${sendoutId}`);
  }
}

export function printTable(rows: Array<[string, string]>): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en');

/**
 * Every run of a workflow id, oldest first: the latest run's history, then each run it continued
 * from (the chain of continue-as-new), so counts and spans cover the whole workflow.
 */
export async function workflowRuns(address: string, workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[][]> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const runs: temporal.api.history.v1.IHistoryEvent[][] = [];
    let runId: string | undefined;
    do {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      const events = history.events ?? [];
      runs.unshift(events);
      runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    } while (runId);
    return runs;
  } finally {
    await connection.close();
  }
}

/** When an event happened, in ms since the epoch. */
export function eventTime(event: temporal.api.history.v1.IHistoryEvent): number {
  return Number(event.eventTime!.seconds) * 1000 + Math.floor((event.eventTime!.nanos ?? 0) / 1e6);
}

/** The first scheduling and the last completion (ms since the epoch) of each activity type, over all runs. */
export function activityWindows(runs: temporal.api.history.v1.IHistoryEvent[][]): Record<string, { first: number; last: number }> {
  const windows: Record<string, { first: number; last: number }> = {};
  for (const events of runs) {
    const scheduled = new Map<string, { type: string; at: number }>();
    for (const event of events) {
      const at = eventTime(event);
      const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (type) scheduled.set(String(event.eventId), { type, at });
      const done = event.activityTaskCompletedEventAttributes;
      if (done) {
        const start = scheduled.get(String(done.scheduledEventId))!;
        const window = (windows[start.type] ??= { first: start.at, last: at });
        window.first = Math.min(window.first, start.at);
        window.last = Math.max(window.last, at);
      }
    }
  }
  return windows;
}

/** Seconds from the first scheduling to the last completion of each activity type, from the history of every run. */
export async function activitySpans(address: string, workflowId: string): Promise<Record<string, number>> {
  const windows = activityWindows(await workflowRuns(address, workflowId));
  return Object.fromEntries(Object.entries(windows).map(([type, w]) => [type, (w.last - w.first) / 1000]));
}

/** How many activities of `type` each worker (by its identity, `<pid>@<host>`) ran, from the history of every run. */
export async function activitiesPerWorker(address: string, workflowId: string, type: string): Promise<number[]> {
  const perWorker = new Map<string, number>();
  for (const events of await workflowRuns(address, workflowId)) {
    const ofType = new Set<string>();
    for (const event of events) {
      if (event.activityTaskScheduledEventAttributes?.activityType?.name === type) ofType.add(String(event.eventId));
      const started = event.activityTaskStartedEventAttributes;
      if (started && ofType.has(String(started.scheduledEventId)))
        perWorker.set(started.identity!, (perWorker.get(started.identity!) ?? 0) + 1);
    }
  }
  return [...perWorker.values()].sort((a, b) => b - a);
}

/** The integrator's webhook endpoint: records gate webhooks by sendout, and hands each to `onWebhook` once answered. */
export async function startIntegrator(onWebhook?: (hook: any) => void) {
  const hooks = new Map<string, any>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const hook = JSON.parse(body);
      hooks.set(hook.sendoutId, hook);
      res.writeHead(200).end('{}');
      onWebhook?.(hook);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/gate`,
    close: () => server.close(),
    webhook: async (sendoutId: string) => {
      for (let i = 0; i < 600 && !hooks.has(sendoutId); i++) await new Promise((r) => setTimeout(r, 100));
      if (!hooks.has(sendoutId)) throw new Error('no gate webhook within 60 s');
      return hooks.get(sendoutId);
    },
  };
}

/** The loopback receiver (bench/receiver.ts) in its own process, answering at `path`. */
export interface LoopbackReceiver {
  url: string;
  pid: number;
  /** `events`: as `requests`, but a feedback request whose body is an array counts its events. */
  stats: () => Promise<{ requests: number; events: number; distinctKeys: number; firstAt: number | null }>;
  keys: () => Promise<string[]>;
  reset: () => Promise<void>;
  stop: () => void;
}

export async function startLoopbackReceiver(path: string): Promise<LoopbackReceiver> {
  const { child, match } = await spawnAndWait(['dist/bench/receiver.js'], /listening (\d+)/);
  const origin = `http://127.0.0.1:${match[1]}`;
  const get = async (route: string) => (await fetch(`${origin}${route}`)).json() as Promise<any>;
  return {
    url: `${origin}${path}`,
    pid: child.pid!,
    stats: () => get('/stats'),
    keys: () => get('/keys'),
    reset: async () => void (await fetch(`${origin}/reset`, { method: 'POST' })),
    stop: () => child.kill('SIGTERM'),
  };
}

/**
 * Counts the CPU of the stack's processes from now on: the worker(s), the local database server,
 * the ESP receiver, the Temporal dev server (`BENCH_TEMPORAL_PID`, from scripts/bench.sh) and the
 * API, which is this process, bench driver included, unless it runs in its own.
 */
export function stackCpuMeter(stack: BenchStack): () => Record<string, number> {
  const temporal = Number(process.env.BENCH_TEMPORAL_PID);
  return cpuMeter({
    worker: stack.pids.workers,
    database: pidsNamed('mariadbd', 'mysqld'),
    receiver: [stack.pids.receiver],
    temporal: Number.isInteger(temporal) && temporal > 0 ? [temporal] : [],
    api: [stack.pids.api],
  });
}

/** Resident memory of a process in MiB (VmRSS), or NaN once it is gone. */
export function rssMiB(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The compiled API as its own process with the stack's environment, once it answers /health/live. */
async function spawnApi(stack: TestStack): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...stack.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (d: Buffer) => (tail = (tail + d).slice(-4_000)); // its log is read only when it fails
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  await waitFor('the API process to answer', 60_000, async () => {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}:\n${tail}`);
    return (await fetch(`${stack.baseUrl}/health/live`)).ok;
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function spawnAndWait(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (d: Buffer) => {
      output += d;
      const match = output.match(ready);
      if (match) resolve({ child, match });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`)));
  });
}
