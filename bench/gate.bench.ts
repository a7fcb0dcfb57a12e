/**
 * Benchmark of the send gate: a reject storm of BENCH_REJECTS (default 10,000) cancelUri calls at
 * concurrency 64 while the gate is open, against a baseline of the same load on the API's
 * cheapest route; then the latency from the accept to the first message at the ESP.
 */
import 'reflect-metadata';
import { Pool } from 'undici';
import { fmt, prepareAudience, printTable, startBenchStack, startIntegrator } from './bench-stack';
import { recordResults, round } from './results';

const REJECTS = Number(process.env.BENCH_REJECTS ?? 10_000);
const CONTACTS = REJECTS * 2;
const CONCURRENCY = 64;

async function main(): Promise<void> {
  const integrator = await startIntegrator();
  const stack = await startBenchStack();
  try {
    console.log(`gate benchmark: ${fmt(CONTACTS)} gated contacts, ${fmt(REJECTS)} rejects at concurrency ${CONCURRENCY}`);
    await stack.call('PUT', '/v1/send-gate/endpoint', { transport: 'http', url: integrator.url });
    const audience = await prepareAudience(stack, {
      name: 'gate bench',
      cohort: 'gate',
      count: CONTACTS,
      payloadTemplate: '{"to":"${email}","subject":"${subject}"}',
    });
    const sendout = await stack.call('POST', '/v1/sendouts', {
      projectId: audience.projectId,
      name: 'gate bench',
      segmentId: audience.segmentId,
      integrationId: audience.integrationId,
      content: { subject: 'Hi {{ contact.firstName }}' },
      gate: { enabled: true, timeout: '30m', split: true },
    });
    const hook = await integrator.webhook(sendout.id);

    let started = performance.now();
    const lines = (await (await fetch(hook.itemDownloadUri)).text()).trim().split('\n');
    const downloadSeconds = (performance.now() - started) / 1000;
    const items = lines.map((line) => JSON.parse(line) as { id: string; cancelUri: string });

    const baseline = await storm(
      stack.api,
      Array.from({ length: REJECTS }, () => ({ path: '/health/live', method: 'GET' as const })),
    );
    const rejected = items.filter((_, i) => i % 2 === 0).slice(0, REJECTS);
    const rejects = await storm(
      stack.api,
      rejected.map((item) => ({ path: new URL(item.cancelUri).pathname, method: 'POST' as const })),
    );

    await stack.espReset();
    started = Date.now();
    const accept = await fetch(hook.finishUri, { method: 'POST' });
    if (!accept.ok) throw new Error(`accept failed: ${accept.status}`);
    let view: any;
    do {
      await new Promise((r) => setTimeout(r, 100));
      view = await stack.call('GET', `/v1/sendouts/${sendout.id}`);
    } while (view.stage !== 'COMPLETED');
    const stats = await stack.espStats();
    const sentKeys = new Set(await stack.espKeys());
    const rejectedKeys = (
      await stack.sql.all<{ idempotency_key: string }>("SELECT idempotency_key FROM messages WHERE sendout_id = ? AND state = 'REJECTED'", [
        sendout.id,
      ])
    ).map((r) => r.idempotency_key);
    const leaked = rejectedKeys.filter((key) => sentKeys.has(key)).length;

    printTable([
      [
        'item download (NDJSON with cancelUris)',
        `${fmt(items.length / downloadSeconds)} items/s (${fmt(items.length)} in ${downloadSeconds.toFixed(2)} s)`,
      ],
      [
        'reject storm (POST cancelUri)',
        `${fmt(rejects.rate)} req/s, p50 ${rejects.p50.toFixed(1)} ms, p99 ${rejects.p99.toFixed(1)} ms, ${rejects.failures} failed`,
      ],
      [
        '  baseline: GET /health/live, same load',
        `${fmt(baseline.rate)} req/s, p50 ${baseline.p50.toFixed(1)} ms, p99 ${baseline.p99.toFixed(1)} ms`,
      ],
      ['  ratio', `${((rejects.rate / baseline.rate) * 100).toFixed(0)}%`],
      ['accept → first message at the ESP', `${stats.firstAt ? stats.firstAt - started : NaN} ms`],
      ['messages REJECTED / SENT / ESP distinct keys', `${rejectedKeys.length} / ${view.counts.SENT} / ${sentKeys.size}`],
      ['rejected contacts that reached the ESP', `${leaked}`],
    ]);
    await recordResults(stack.sql, 'gate', {
      figures: {
        contacts: CONTACTS,
        rejects: REJECTS,
        concurrency: CONCURRENCY,
        item_download_items_per_s: round(items.length / downloadSeconds),
        item_download_s: round(downloadSeconds),
        reject_req_per_s: round(rejects.rate),
        reject_p50_ms: round(rejects.p50, 1),
        reject_p99_ms: round(rejects.p99, 1),
        reject_failures: rejects.failures,
        baseline_health_live_req_per_s: round(baseline.rate),
        baseline_health_live_p50_ms: round(baseline.p50, 1),
        baseline_health_live_p99_ms: round(baseline.p99, 1),
        accept_to_first_send_ms: stats.firstAt ? stats.firstAt - started : null,
        messages_rejected: rejectedKeys.length,
        messages_sent: view.counts.SENT,
        esp_distinct_keys: sentKeys.size,
        rejected_that_reached_the_esp: leaked,
      },
      ratios: { reject_over_health_live: round(rejects.rate / baseline.rate) },
    });
    if (leaked > 0 || rejectedKeys.length !== REJECTS || view.counts.SENT !== CONTACTS - REJECTS || sentKeys.size !== CONTACTS - REJECTS) {
      throw new Error('the gate did not hold: rejected, sent and delivered counts disagree');
    }
  } finally {
    await stack.stop();
    integrator.close();
  }
}

/** Runs the requests at CONCURRENCY over one keep-alive pool; answers rate and latency percentiles. */
async function storm(base: string, requests: Array<{ path: string; method: 'GET' | 'POST' }>) {
  const pool = new Pool(base, { connections: CONCURRENCY });
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const { path, method } = requests[next++];
        const t0 = performance.now();
        const res = await pool.request({ path, method });
        await res.body.text();
        latencies.push(performance.now() - t0);
        if (res.statusCode >= 300) failures += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
  return { rate: requests.length / seconds, p50: pct(0.5), p99: pct(0.99), failures };
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
