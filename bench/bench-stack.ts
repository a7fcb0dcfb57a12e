/**
 * A Sendgate stack for benchmarks: a fresh MariaDB/MySQL database, the API in this process, the
 * worker and a loopback ESP in their own processes, on the Temporal at TEMPORAL_ADDRESS.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { createApiApp } from '../apps/api/src/app';
import { SendgateConfig, loadConfig } from '../libs/config/src/config';
import { migrate, openDataSource } from '../libs/database/src/data-source';
import { Sql } from '../libs/database/src/sql';

const ROOT = join(__dirname, '../..');

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
  const server = process.env.BENCH_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306';
  const dbName = `sendgate_bench_${Date.now()}`;
  const admin = await createConnection(server);
  await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const apiKey = `sg_bench_${randomBytes(12).toString('hex')}`;
  const port = Number(process.env.BENCH_API_PORT ?? 0) || (await freePort());
  const env: Record<string, string> = {
    DATABASE_URL: `${server}/${dbName}`,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    TEMPORAL_TASK_QUEUE: `bench-${Date.now()}`,
    SENDGATE_BOOTSTRAP_API_KEY: apiKey,
    SENDGATE_ALLOW_PRIVATE_NETWORKS: 'true',
    SENDGATE_SIGNING_KEY: randomBytes(32).toString('hex'),
    SENDGATE_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
  };
  for (const name of Object.keys(process.env)) if (/^(SENDOUT_|WORKER_)/.test(name)) env[name] = process.env[name]!;
  const config = loadConfig(env);
  const dataSource: DataSource = await openDataSource(config.database);
  await migrate(dataSource);

  const children: ChildProcess[] = [];
  let app: NestFastifyApplication | undefined;
  const stop = async () => {
    for (const child of children) child.kill('SIGTERM');
    await app?.close();
    await dataSource.destroy();
    await admin.query(`DROP DATABASE \`${dbName}\``);
    await admin.end();
  };
  try {
    const receiver = await spawnAndWait(['dist/bench/receiver.js'], {}, /listening (\d+)/);
    children.push(receiver.child);
    const espUrl = `http://127.0.0.1:${receiver.match[1]}/send`;
    // BENCH_WORKER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the worker.
    const workerArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    children.push((await spawnAndWait([...workerArgs, 'dist/apps/worker/src/main.js'], env, /polling task queue/)).child);
    app = await createApiApp(config, ['warn', 'error']);
    await app.listen(port, '127.0.0.1');
    const api = `http://127.0.0.1:${port}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      };
      const res = await fetch(`${api}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const json: any = await res.json();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const esp = (path: string, method = 'GET') => fetch(espUrl.replace('/send', path), { method });
    return {
      config,
      sql: new Sql(dataSource),
      api,
      espUrl,
      call,
      stop,
      espStats: async () => (await (await esp('/stats')).json()) as any,
      espKeys: async () => (await (await esp('/keys')).json()) as any,
      espReset: async () => void (await esp('/reset', 'POST')),
    };
  } catch (error) {
    await stop();
    throw error;
  }
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

function spawnAndWait(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
