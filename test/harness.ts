/**
 * Starts Sendgate for a test the way it runs in production: the API (in this process, on a real
 * loopback port) and workers as real child processes, against the suite's Temporal dev server
 * and a real database. Each stack has its own task queue and its own account. The benchmarks
 * start their stacks with it too (it is part of the build for them).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client, Connection } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { createApiApp } from '../apps/api/src/app';
import { LogLevelName, SendgateConfig, loadConfig } from '../libs/config/src/config';
import { apiKeyPrefix, hashApiKey } from '../libs/crypto/src/api-key';
import { migrate, openDataSource } from '../libs/database/src/data-source';
import { AccountEntity, ApiKeyEntity } from '../libs/database/src/entities';
import { LogCapture } from './log-capture';
import { GiveUp, freePort, waitFor } from './wait';

/** Fixed keys for the suite: tests can sign their own (forged or expired) tokens with them. */
export const TEST_SIGNING_KEY = 'test-signing-key-0123456789abcdefghijklmnopqrstuvwxyz';
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** The repository: one level up from test/ when run from source, two from dist/test/ in a build. */
const ROOT = [resolve(__dirname, '..'), resolve(__dirname, '../..')].find((dir) => existsSync(join(dir, 'package.json')))!;

export interface StackOptions {
  database?: 'mysql' | 'sqlite';
  env?: Record<string, string>;
  /** Where Temporal and MySQL are; by default those the test run's global setup started. */
  temporalAddress?: string;
  mysqlUrl?: string;
  /**
   * The in-process API logs at this level (default warn: no line per request) to `apiLog`; the
   * workers log at SENDGATE_LOG_LEVEL (default info) to their captured output.
   */
  apiLogLevel?: LogLevelName;
}

export class TestStack {
  readonly workers: WorkerProcess[] = [];
  readonly apis: ApiProcess[] = [];

  private constructor(
    readonly env: Record<string, string>,
    readonly config: SendgateConfig,
    readonly app: NestFastifyApplication,
    readonly baseUrl: string,
    readonly dataSource: DataSource,
    readonly apiKey: string,
    readonly accountId: string,
    /** The API's log lines. */
    readonly apiLog: LogCapture,
  ) {}

  static async start(options: StackOptions = {}): Promise<TestStack> {
    // Gate URIs carry the public base URL, so the API's port is chosen before it starts.
    const port = await freePort();
    const env: Record<string, string> = {
      TEMPORAL_ADDRESS: options.temporalAddress ?? requireEnv('SENDGATE_TEST_TEMPORAL_ADDRESS'),
      TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
      SENDGATE_ALLOW_PRIVATE_NETWORKS: 'true',
      SENDGATE_SANDBOX_ESP: 'true',
      SENDOUT_HEARTBEAT_TIMEOUT_MS: '3000',
      SENDGATE_OUTBOUND_TIMEOUT_MS: '2000', // shorter than the heartbeat timeout, as configuration requires
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      SENDGATE_SIGNING_KEY: TEST_SIGNING_KEY,
      SENDGATE_ENCRYPTION_KEYS: `test:${TEST_ENCRYPTION_KEY}`,
      // Several workers of several suites run at once: each test that reads a worker's metrics gives it a free port.
      SENDGATE_WORKER_METRICS_PORT: '0',
      ...databaseEnv(options.database ?? 'mysql', options.mysqlUrl),
      ...options.env,
    };
    const config = loadConfig(env);
    const dataSource = await openDataSource(config.database);
    await migrate(dataSource);
    const { accountId, apiKey } = await createAccount(dataSource);
    const apiLog = new LogCapture();
    const app = await createApiApp({ ...config, log: { ...config.log, level: options.apiLogLevel ?? 'warn' } }, { logDestination: apiLog });
    await app.listen(port, '127.0.0.1');
    return new TestStack(env, config, app, `http://127.0.0.1:${port}`, dataSource, apiKey, accountId, apiLog);
  }

  /** Starts a worker process (compiled code, as in production) and waits until it polls. */
  async startWorker(extraEnv: Record<string, string> = {}, nodeArgs: string[] = []): Promise<WorkerProcess> {
    const worker = await WorkerProcess.spawn({ ...this.env, ...extraEnv }, nodeArgs);
    this.workers.push(worker);
    return worker;
  }

  /**
   * Starts another API replica as a process (compiled code, as in production) on its own port, with
   * the same configuration: the same database, Temporal, task queue, keys and public base URL (a load
   * balancer's, in production).
   */
  async startApi(extraEnv: Record<string, string> = {}): Promise<ApiProcess> {
    const api = await ApiProcess.spawn({ ...this.env, PORT: String(await freePort()), ...extraEnv }, this.apiKey);
    this.apis.push(api);
    return api;
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> {
    return requestJson(this.baseUrl, this.apiKey, method, path, body, headers);
  }

  async temporalClient(): Promise<{ client: Client; close: () => Promise<void> }> {
    const connection = await Connection.connect({ address: this.config.temporal.address });
    return { client: new Client({ connection }), close: () => connection.close() };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers, ...this.apis].map((p) => p.stop()));
    await this.app.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** A Sendgate process the test started (a worker or an API replica): its output, and how to stop it. */
abstract class ChildOfTest {
  protected output = '';
  readonly exited: Promise<number | null>;

  protected constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d) => (this.output += d));
    child.stderr?.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  protected static run(script: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
    return spawn(process.execPath, [...nodeArgs, join(ROOT, script)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  get log(): string {
    return this.output;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

export class WorkerProcess extends ChildOfTest {
  /** The worker's identity in Temporal (the SDK's default, `<pid>@<host>`): who started an activity, in a workflow's history. */
  get identity(): string {
    return `${this.child.pid}@${hostname()}`;
  }

  /** `nodeArgs` go to node itself, e.g. `--cpu-prof` to profile the worker. */
  static async spawn(env: Record<string, string>, nodeArgs: string[] = []): Promise<WorkerProcess> {
    const child = ChildOfTest.run('dist/apps/worker/src/main.js', env, nodeArgs);
    const worker = new WorkerProcess(child);
    await waitFor('the worker to poll its task queue', 60_000, () => {
      if (child.exitCode !== null) throw new GiveUp(`worker exited with ${child.exitCode}:\n${worker.output}`);
      return worker.output.includes('polling task queue');
    });
    return worker;
  }
}

/** An API replica in its own process; `request` calls it with the stack's API key. */
export class ApiProcess extends ChildOfTest {
  private constructor(
    child: ChildProcess,
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {
    super(child);
  }

  static async spawn(env: Record<string, string>, apiKey: string): Promise<ApiProcess> {
    const child = ChildOfTest.run('dist/apps/api/src/main.js', env);
    const api = new ApiProcess(child, `http://127.0.0.1:${env.PORT}`, apiKey);
    await waitFor('the API to listen', 60_000, () => {
      if (child.exitCode !== null) throw new GiveUp(`API exited with ${child.exitCode}:\n${api.output}`);
      return api.output.split('\n').some((line) => line.startsWith('{') && /^listening on http/.test(JSON.parse(line).msg ?? ''));
    });
    return api;
  }

  request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    return requestJson(this.baseUrl, this.apiKey, method, path, body);
  }
}

async function requestJson<T>(
  baseUrl: string,
  apiKey: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A fresh account and API key, so tests never see each other's data. */
export async function createAccount(dataSource: DataSource): Promise<{ accountId: string; apiKey: string }> {
  const accountId = randomUUID();
  const apiKey = `sg_test_${randomBytes(16).toString('hex')}`;
  await dataSource.getRepository(AccountEntity).insert({ id: accountId, name: `test ${accountId}` });
  await dataSource.getRepository(ApiKeyEntity).insert({
    id: randomUUID(),
    accountId,
    keyHash: hashApiKey(apiKey),
    keyPrefix: apiKeyPrefix(apiKey),
    name: 'test',
  });
  return { accountId, apiKey };
}

function databaseEnv(kind: 'mysql' | 'sqlite', mysqlUrl?: string): Record<string, string> {
  if (kind === 'mysql') return { DATABASE_URL: mysqlUrl ?? requireEnv('SENDGATE_TEST_MYSQL_URL') };
  return { SQLITE_PATH: join(requireEnv('SENDGATE_TEST_DIR'), `sendgate-${randomUUID()}.sqlite`) };
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with the README's test command (make test)`);
  return value;
}
