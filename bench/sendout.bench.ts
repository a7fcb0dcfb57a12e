/**
 * Benchmark: one sendout of BENCH_CONTACTS (default 100,000) contacts through a loopback ESP,
 * on MariaDB/MySQL, with the API in this process and the worker and the ESP in their own.
 * Phase timings come from the workflow's history; baselines are measured in the same run.
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createConnection } from 'mysql2/promise';
import { createApiApp } from '../apps/api/src/app';
import { loadConfig } from '../libs/config/src/config';
import { migrate, openDataSource } from '../libs/database/src/data-source';
import { Sql } from '../libs/database/src/sql';
import { rawInsertRate, rawNodeHttpPostRate, rawUndiciPostRate } from './baselines';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const ROOT = join(__dirname, '../..');

async function main(): Promise<void> {
  const server = process.env.BENCH_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306';
  const dbName = `sendgate_bench_${Date.now()}`;
  const admin = await createConnection(server);
  await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const apiKey = `sg_bench_${randomBytes(12).toString('hex')}`;
  const env: Record<string, string> = {
    DATABASE_URL: `${server}/${dbName}`,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    TEMPORAL_TASK_QUEUE: `bench-${Date.now()}`,
    SENDGATE_BOOTSTRAP_API_KEY: apiKey,
    SENDGATE_ALLOW_PRIVATE_NETWORKS: 'true',
    SENDGATE_SIGNING_KEY: randomBytes(32).toString('hex'),
    SENDGATE_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    PORT: '0',
  };
  for (const name of Object.keys(process.env)) if (/^(SENDOUT_|WORKER_)/.test(name)) env[name] = process.env[name]!;
  const config = loadConfig(env);
  const dataSource = await openDataSource(config.database);
  await migrate(dataSource);
  const sql = new Sql(dataSource);

  const children: ChildProcess[] = [];
  try {
    const receiver = await spawnAndWait(['dist/bench/receiver.js'], {}, /listening (\d+)/);
    children.push(receiver.child);
    const espUrl = `http://127.0.0.1:${receiver.match[1]}/send`;
    // BENCH_WORKER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the worker.
    const workerArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const worker = await spawnAndWait([...workerArgs, 'dist/apps/worker/src/main.js'], env, /polling task queue/);
    children.push(worker.child);
    const app = await createApiApp(config, ['warn', 'error']);
    await app.listen(0, '127.0.0.1');
    const api = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const json: any = await res.json();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };

    console.log(`benchmark: ${CONTACTS.toLocaleString('en')} contacts, MariaDB/MySQL, loopback ESP, 2 cores`);
    const project = await call('POST', '/v1/projects', { name: 'bench' });
    let started = performance.now();
    for (let offset = 0; offset < CONTACTS; offset += 10_000) {
      const contacts = Array.from({ length: Math.min(10_000, CONTACTS - offset) }, (_, i) => ({
        externalId: `b-${offset + i}`, email: `user${offset + i}@example.com`, attributes: { firstName: `User${offset + i}`, cohort: 'bench' },
      }));
      await call('POST', '/v1/contacts/batch', { contacts });
    }
    const upsertRate = CONTACTS / ((performance.now() - started) / 1000);
    const segment = await call('POST', '/v1/segments', { name: 'all', filter: { all: [{ attribute: 'cohort', op: 'eq', value: 'bench' }] } });
    const integration = await call('POST', '/v1/integrations', {
      name: 'loopback', channel: 'email', url: espUrl,
      payloadTemplate: '{"to":"${email}","subject":"${subject}","html":"${html}","messageId":"${messageId}"}',
    });

    const insertBaseline = await rawInsertRate(sql, CONTACTS);
    const postConcurrency = config.sendout.sendWindow * config.sendout.sendConcurrency;
    const undiciBaseline = await rawUndiciPostRate(espUrl, 20_000, postConcurrency);
    const nodeHttpBaseline = await rawNodeHttpPostRate(espUrl, 20_000, postConcurrency);
    await fetch(espUrl.replace('/send', '/reset'), { method: 'POST' });

    started = performance.now();
    const sendout = await call('POST', '/v1/sendouts', {
      projectId: project.id, name: 'bench', segmentId: segment.id, integrationId: integration.id,
      content: { subject: 'Hello {{ contact.firstName }}', html: '<p>Hi {{ contact.firstName }}, this is message for {{ contact.email }}</p>' },
    });
    let view: any;
    do {
      await new Promise((r) => setTimeout(r, 200));
      view = await call('GET', `/v1/sendouts/${sendout.id}`);
    } while (view.stage !== 'COMPLETED' && view.stage !== 'FAILED');
    const endToEnd = (performance.now() - started) / 1000;

    const phases = await phaseDurations(config.temporal.address, sendout.workflowId);
    const stats: any = await (await fetch(espUrl.replace("/send", "/stats"))).json();
    const generationRate = view.total / phases.generate;
    const sendRate = view.counts.SENT / phases.send;
    const rawPost = Math.max(undiciBaseline, nodeHttpBaseline);

    const rows: Array<[string, string]> = [
      ['contacts upserted over the API', `${fmt(upsertRate)} rows/s`],
      ['generation (INSERT … SELECT pages)', `${fmt(generationRate)} rows/s in ${phases.generate.toFixed(2)} s`],
      ['  baseline: raw multi-row INSERT', `${fmt(insertBaseline)} rows/s`],
      ['  ratio', `${(generationRate / insertBaseline).toFixed(2)}×`],
      ['sending (render + POST + record)', `${fmt(sendRate)} msg/s in ${phases.send.toFixed(2)} s`],
      ['  baseline: raw keep-alive POST (undici Pool)', `${fmt(undiciBaseline)} req/s`],
      ['  baseline: raw keep-alive POST (node:http Agent)', `${fmt(nodeHttpBaseline)} req/s`],
      ['  ratio to the faster raw POST', `${((sendRate / rawPost) * 100).toFixed(0)}%`],
      ['end to end (POST /v1/sendouts → COMPLETED)', `${endToEnd.toFixed(2)} s`],
      ['messages SENT / ESP distinct keys / ESP requests', `${view.counts.SENT} / ${stats.distinctKeys} / ${stats.requests}`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    await app.close();
    if (view.counts.SENT !== CONTACTS || stats.distinctKeys !== CONTACTS) throw new Error('the sendout did not send every message exactly once');
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await dataSource.destroy();
    await admin.query(`DROP DATABASE \`${dbName}\``);
    await admin.end();
  }
}

/** Seconds spent generating and sending, from the workflow history's activity events. */
async function phaseDurations(address: string, workflowId: string): Promise<{ generate: number; send: number }> {
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
    const seconds = (type: string) => (spans[type] ? (spans[type].last - spans[type].first) / 1000 : NaN);
    return { generate: seconds('generateMessages'), send: seconds('sendMessagePage') };
  } finally {
    await connection.close();
  }
}

function spawnAndWait(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
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
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}:\n${output}`)));
  });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
