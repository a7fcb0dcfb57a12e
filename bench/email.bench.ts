/**
 * Benchmark of the Infobip-compatible send: BENCH_EMAILS (default 1,000) single-recipient
 * `POST /email/3/send` requests at concurrency 32 over keep-alive, beside the API's bare route
 * (GET /health/live) under the same load in the same run; where a request's time goes (the
 * answer's Server-Timing); and the time from the POST to the message at a loopback ESP, under that
 * load and one request at a time.
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { fmt, printTable, startBenchStack } from './bench-stack';
import { recordResults, round } from './results';

const EMAILS = Number(process.env.BENCH_EMAILS ?? 1_000);
const ONE_AT_A_TIME = 50;
const CONCURRENCY = 32;
const BOUNDARY = '----sendgate-bench-boundary';

interface Outcome {
  latency: number;
  status: number;
  timings: Record<string, number>;
  messageId?: string;
  sentAt: number;
}

async function main(): Promise<void> {
  const esp = await startArrivals();
  const stack = await startBenchStack();
  try {
    console.log(`email benchmark: ${fmt(EMAILS)} single-recipient sends at concurrency ${CONCURRENCY}`);
    const project = await stack.call('POST', '/v1/projects', { name: 'email bench' });
    const integration = await stack.call('POST', '/v1/integrations', {
      name: 'loopback',
      channel: 'email',
      url: esp.url,
      payloadTemplate: '{"to":"${email}","from":"${from}","subject":"${subject}","html":"${html}","messageId":"${emailMessageId}"}',
    });
    await stack.call('POST', `/v1/integrations/${integration.id}/activate`);
    await stack.call('PUT', `/v1/projects/${project.id}/email-defaults`, { integrationId: integration.id });
    const key = await stack.call('POST', '/v1/api-keys', { name: 'email bench' });
    await stack.call('PUT', `/v1/api-keys/${key.id}/email-defaults`, { projectId: project.id });
    const auth = `App ${key.key}`;

    const pool = new Pool(stack.api, { connections: CONCURRENCY });
    const bare = await storm(EMAILS, async () => {
      const res = await pool.request({ path: '/health/live', method: 'GET' });
      await res.body.text();
      return { status: res.statusCode };
    });
    const send = async (i: number) => {
      const res = await pool.request({
        path: '/email/3/send',
        method: 'POST',
        headers: { authorization: auth, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        body: multipart([
          ['from', 'Bench <bench@example.com>'],
          ['to', `user${i}@example.com`],
          ['subject', 'Hello {{name}}'],
          ['html', '<p>Hello from the benchmark</p>'],
        ]),
      });
      const body = (await res.body.json()) as { messages?: Array<{ messageId: string }> };
      return {
        status: res.statusCode,
        timings: serverTiming(String(res.headers['server-timing'] ?? '')),
        messageId: body.messages?.[0]?.messageId,
      };
    };
    const sends = await storm(EMAILS, send);
    console.log(`sends answered: ${fmt(sends.rate)} req/s, p50 ${sends.p50.toFixed(1)} ms, ${sends.failures} failed; waiting for the ESP…`);
    const waitStarted = performance.now();
    await esp.waitFor(sends.outcomes.map((o) => o.messageId!).filter(Boolean), 900_000);
    const underLoad = toEsp(sends.outcomes, esp.arrivals);
    const drainSeconds = (performance.now() - waitStarted) / 1000;

    const single: Outcome[] = [];
    for (let i = 0; i < ONE_AT_A_TIME; i++) {
      const sentAt = Date.now();
      const t0 = performance.now();
      const answer = await send(EMAILS + i);
      single.push({ ...answer, latency: performance.now() - t0, sentAt });
      await esp.waitFor([answer.messageId!], 60_000);
    }
    const alone = toEsp(single, esp.arrivals);
    await pool.close();

    const parts = ['parse', 'lookup', 'contacts', 'store', 'queue'];
    printTable([
      [
        'POST /email/3/send (1 recipient)',
        `${fmt(sends.rate)} req/s, p50 ${sends.p50.toFixed(1)} ms, p99 ${sends.p99.toFixed(1)} ms, ${sends.failures} failed`,
      ],
      ['  baseline: GET /health/live, same load', `${fmt(bare.rate)} req/s, p50 ${bare.p50.toFixed(1)} ms, p99 ${bare.p99.toFixed(1)} ms`],
      ['  ratio', `${((sends.rate / bare.rate) * 100).toFixed(0)}%`],
      ...parts.map((p): [string, string] => {
        const values = sends.outcomes.map((o) => o.timings[p]).filter((v) => v !== undefined);
        return [`  server time: ${p} (p50 / p99)`, `${percentile(values, 0.5).toFixed(2)} / ${percentile(values, 0.99).toFixed(2)} ms`];
      }),
      [
        'POST → message at the ESP, under that load (p50 / p99)',
        `${fmt(underLoad.p50)} / ${fmt(underLoad.p99)} ms (the last arrived ${drainSeconds.toFixed(1)} s after the last answer)`,
      ],
      ...parts.map((p): [string, string] => {
        const values = single.map((o) => o.timings[p]).filter((v) => v !== undefined);
        return [`  one at a time: ${p} (p50 / p99)`, `${percentile(values, 0.5).toFixed(2)} / ${percentile(values, 0.99).toFixed(2)} ms`];
      }),
      [
        `POST → message at the ESP, one at a time (p50 / p99 of ${ONE_AT_A_TIME})`,
        `${fmt(alone.p50)} / ${fmt(alone.p99)} ms; request p50 ${percentile(
          single.map((o) => o.latency),
          0.5,
        ).toFixed(1)} ms`,
      ],
    ]);
    const serverTimes = (outcomes: Outcome[], prefix: string) =>
      Object.fromEntries(
        parts.flatMap((p) => {
          const values = outcomes.map((o) => o.timings[p]).filter((v) => v !== undefined);
          return [
            [`${prefix}_${p}_p50_ms`, round(percentile(values, 0.5), 2)],
            [`${prefix}_${p}_p99_ms`, round(percentile(values, 0.99), 2)],
          ];
        }),
      );
    await recordResults(stack.sql, 'email', {
      figures: {
        emails: EMAILS,
        concurrency: CONCURRENCY,
        send_req_per_s: round(sends.rate),
        send_p50_ms: round(sends.p50, 1),
        send_p99_ms: round(sends.p99, 1),
        send_failures: sends.failures,
        baseline_health_live_req_per_s: round(bare.rate),
        baseline_health_live_p50_ms: round(bare.p50, 1),
        baseline_health_live_p99_ms: round(bare.p99, 1),
        ...serverTimes(sends.outcomes, 'server_under_load'),
        to_esp_under_load_p50_ms: round(underLoad.p50, 0),
        to_esp_under_load_p99_ms: round(underLoad.p99, 0),
        drain_after_last_answer_s: round(drainSeconds, 1),
        ...serverTimes(single, 'server_one_at_a_time'),
        to_esp_one_at_a_time_p50_ms: round(alone.p50, 0),
        to_esp_one_at_a_time_p99_ms: round(alone.p99, 0),
        one_at_a_time_requests: ONE_AT_A_TIME,
      },
      ratios: { send_over_health_live: round(sends.rate / bare.rate) },
    });
    if (sends.failures > 0) throw new Error(`${sends.failures} sends failed`);
  } finally {
    await stack.stop();
    esp.close();
  }
}

/** Runs `count` calls at CONCURRENCY; answers rate, latency percentiles and each call's outcome. */
async function storm(count: number, call: (i: number) => Promise<Omit<Outcome, 'latency' | 'sentAt' | 'timings'> & Partial<Outcome>>) {
  const outcomes: Outcome[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const sentAt = Date.now();
        const t0 = performance.now();
        const outcome = await call(i);
        outcomes.push({ timings: {}, ...outcome, latency: performance.now() - t0, sentAt });
        if (outcome.status >= 300) failures += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const latencies = outcomes.map((o) => o.latency);
  return { rate: count / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), failures, outcomes };
}

function toEsp(outcomes: Outcome[], arrivals: Map<string, number>) {
  const delays = outcomes.filter((o) => o.messageId && arrivals.has(o.messageId)).map((o) => arrivals.get(o.messageId!)! - o.sentAt);
  return { p50: percentile(delays, 0.5), p99: percentile(delays, 0.99) };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** `parse;dur=0.42, store;dur=3.10` → {parse: 0.42, store: 3.1} */
function serverTiming(header: string): Record<string, number> {
  return Object.fromEntries(
    header
      .split(',')
      .map((entry) => /^\s*([a-z]+);dur=([\d.]+)/.exec(entry))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], Number(m[2])]),
  );
}

/** A multipart/form-data body as curl -F builds it. */
function multipart(fields: Array<[string, string]>): Buffer {
  const parts = fields.map(([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  return Buffer.from(`${parts.join('')}--${BOUNDARY}--\r\n`);
}

/** A loopback ESP in this process that notes when each message (by its client-visible messageId) arrived. */
async function startArrivals() {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      try {
        const { messageId } = JSON.parse(Buffer.concat(chunks).toString()) as { messageId?: string };
        if (messageId) arrivals.set(messageId, at);
      } catch {
        // not a message of this benchmark
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"ok"}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
  const waitFor = async (messageIds: string[], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (messageIds.some((id) => !arrivals.has(id))) {
      if (Date.now() > deadline) throw new Error(`${messageIds.filter((id) => !arrivals.has(id)).length} messages never reached the ESP`);
      if (messageIds.length > 1 && Date.now() % 10_000 < 5) console.log(`  ${arrivals.size} messages at the ESP`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { url, arrivals, waitFor, close: () => server.close() };
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
