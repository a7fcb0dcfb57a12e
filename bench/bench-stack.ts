/**
 * A Sendgate stack for benchmarks: the test harness's stack (the API in this process, the worker
 * in its own, a fresh MariaDB/MySQL database) on the Temporal at TEMPORAL_ADDRESS, with
 * production timeouts, and a loopback ESP in its own process.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { SendgateConfig } from '../libs/config/src/config';
import { Sql } from '../libs/database/src/sql';
import { TestStack } from '../test/harness';
import { createTestDatabase, dropTestDatabase } from '../test/test-database';

const ROOT = join(__dirname, '../..');
/** The defaults of production, where the harness shortens them for tests. */
const PRODUCTION_TIMEOUTS = { SENDOUT_HEARTBEAT_TIMEOUT_MS: '30000', SENDGATE_OUTBOUND_TIMEOUT_MS: '15000' };

export interface BenchStack {
  config: SendgateConfig;
  sql: Sql;
  api: string;
  espUrl: string;
  call: (method: string, path: string, body?: unknown) => Promise<any>;
  espStats: () => Promise<{ requests: number; distinctKeys: number; firstAt: number | null }>;
  espKeys: () => Promise<string[]>;
  espReset: () => Promise<void>;
  stop: () => Promise<void>;
}

export async function startBenchStack(): Promise<BenchStack> {
  const mysqlUrl = await createTestDatabase('sendgate_bench');
  const tuning = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => /^(SENDOUT_|WORKER_|SENDGATE_FEEDBACK_)/.test(name)),
  ) as Record<string, string>;
  let receiver: ChildProcess | undefined;
  let stack: TestStack | undefined;
  const stop = async () => {
    receiver?.kill('SIGTERM');
    await stack?.stop();
    await dropTestDatabase(mysqlUrl);
  };
  try {
    const esp = await spawnAndWait(['dist/bench/receiver.js'], /listening (\d+)/);
    receiver = esp.child;
    const espUrl = `http://127.0.0.1:${esp.match[1]}/send`;
    stack = await TestStack.start({
      database: 'mysql',
      mysqlUrl,
      temporalAddress: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      env: { ...PRODUCTION_TIMEOUTS, ...tuning },
    });
    // BENCH_WORKER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the worker;
    // BENCH_WORKERS (default 1) worker processes poll the task queue side by side.
    const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    for (let i = 0; i < workerCount(); i++) await stack.startWorker({}, nodeArgs);
    const started = stack;
    const call = async (method: string, path: string, body?: unknown) => {
      const { status, body: answer } = await started.request(method, path, body);
      if (status >= 400) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(answer)}`);
      return answer;
    };
    const fromEsp = (path: string, method = 'GET') => fetch(espUrl.replace('/send', path), { method });
    return {
      config: stack.config,
      sql: new Sql(stack.dataSource),
      api: stack.baseUrl,
      espUrl,
      call,
      stop,
      espStats: async () => (await (await fromEsp('/stats')).json()) as any,
      espKeys: async () => (await (await fromEsp('/keys')).json()) as any,
      espReset: async () => void (await fromEsp('/reset', 'POST')),
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

/** A project, `count` contacts in one segment, and an active loopback integration; answers their ids and the upload rate. */
export async function prepareAudience(
  stack: BenchStack,
  options: { name: string; cohort: string; count: number; payloadTemplate: string },
) {
  const project = await stack.call('POST', '/v1/projects', { name: options.name });
  const upsertRate = await uploadContacts(stack, options.count, options.cohort);
  const segment = await stack.call('POST', '/v1/segments', {
    name: options.cohort,
    filter: { all: [{ attribute: 'cohort', op: 'eq', value: options.cohort }] },
  });
  const integration = await stack.call('POST', '/v1/integrations', {
    name: 'loopback',
    channel: 'email',
    url: stack.espUrl,
    payloadTemplate: options.payloadTemplate,
  });
  await stack.call('POST', `/v1/integrations/${integration.id}/activate`);
  return { projectId: project.id as string, segmentId: segment.id as string, integrationId: integration.id as string, upsertRate };
}

export function printTable(rows: Array<[string, string]>): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en');

/** Seconds from the first scheduling to the last completion of each activity type, from the history. */
export async function activitySpans(address: string, workflowId: string): Promise<Record<string, number>> {
  const connection = await Connection.connect({ address });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    const scheduled = new Map<string, { type: string; at: number }>();
    const spans: Record<string, { first: number; last: number }> = {};
    for (const event of history.events ?? []) {
      const at = Number(event.eventTime!.seconds) * 1000 + Math.floor((event.eventTime!.nanos ?? 0) / 1e6);
      const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (type) scheduled.set(String(event.eventId), { type, at });
      const done = event.activityTaskCompletedEventAttributes;
      if (done) {
        const start = scheduled.get(String(done.scheduledEventId))!;
        const span = (spans[start.type] ??= { first: start.at, last: at });
        span.first = Math.min(span.first, start.at);
        span.last = Math.max(span.last, at);
      }
    }
    return Object.fromEntries(Object.entries(spans).map(([type, s]) => [type, (s.last - s.first) / 1000]));
  } finally {
    await connection.close();
  }
}

/** How many activities of `type` each worker (by its identity, `<pid>@<host>`) ran, from the history. */
export async function activitiesPerWorker(address: string, workflowId: string, type: string): Promise<number[]> {
  const connection = await Connection.connect({ address });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    const ofType = new Set<string>();
    const perWorker = new Map<string, number>();
    for (const event of history.events ?? []) {
      if (event.activityTaskScheduledEventAttributes?.activityType?.name === type) ofType.add(String(event.eventId));
      const started = event.activityTaskStartedEventAttributes;
      if (started && ofType.has(String(started.scheduledEventId)))
        perWorker.set(started.identity!, (perWorker.get(started.identity!) ?? 0) + 1);
    }
    return [...perWorker.values()].sort((a, b) => b - a);
  } finally {
    await connection.close();
  }
}

/** The integrator's webhook endpoint: records gate webhooks by sendout. */
export async function startIntegrator() {
  const hooks = new Map<string, any>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const hook = JSON.parse(body);
      hooks.set(hook.sendoutId, hook);
      res.writeHead(200).end('{}');
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
