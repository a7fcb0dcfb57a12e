/**
 * Benchmark of the send gate: a reject storm of BENCH_REJECTS (default 10,000) cancelUri calls at
 * concurrency 64 while the gate is open, against a baseline of the same load on the API's
 * cheapest route (the two take turns in 5 rounds); then the latency from the accept to the first
 * message at the ESP.
 */
import 'reflect-metadata';
import { Pool } from 'undici';
import { fmt, prepareAudience, printTable, startBenchStack, startIntegrator, untilSendoutEnds } from './bench-stack';
import { goal, recordResults, round } from './results';

const REJECTS = Number(process.env.BENCH_REJECTS ?? 10_000);
const CONTACTS = REJECTS * 2;
const CONCURRENCY = 64;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

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

    // The baseline and the storm take turns, ROUNDS times, so that both meet the same machine: a
    // round of the bare route, then a round of rejects. A warm-up of the bare route goes first.
    const health = (count: number) => Array.from({ length: count }, () => ({ path: '/health/live', method: 'GET' as const }));
    const baselinePool = new Pool(stack.api, { connections: CONCURRENCY });
    const rejectPool = new Pool(stack.api, { connections: CONCURRENCY });
    await storm(baselinePool, health(2_000));
    const rejected = items.filter((_, i) => i % 2 === 0).slice(0, REJECTS);
    const perRound = Math.ceil(REJECTS / ROUNDS);
    const baselineRounds: Storm[] = [];
    const rejectRounds: Storm[] = [];
    for (let offset = 0; offset < rejected.length; offset += perRound) {
      const round = rejected.slice(offset, offset + perRound);
      baselineRounds.push(await storm(baselinePool, health(round.length)));
      rejectRounds.push(
        await storm(
          rejectPool,
          round.map((item) => ({ path: new URL(item.cancelUri).pathname, method: 'POST' as const })),
        ),
      );
    }
    await Promise.all([baselinePool.close(), rejectPool.close()]);
    const baseline = summarize(baselineRounds);
    const rejects = summarize(rejectRounds);

    await stack.espReset();
    started = Date.now();
    const accept = await fetch(hook.finishUri, { method: 'POST' });
    if (!accept.ok) throw new Error(`accept failed: ${accept.status}`);
    const view = await untilSendoutEnds(stack, sendout.id, 100);
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
        rounds: ROUNDS,
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
      goals: {
        reject_over_health_live: goal(round(rejects.rate / baseline.rate), '>=', 0.8),
        reject_p99_ms: goal(round(rejects.p99, 1), '<=', 50),
      },
    });
    if (leaked > 0 || rejectedKeys.length !== REJECTS || view.counts.SENT !== CONTACTS - REJECTS || sentKeys.size !== CONTACTS - REJECTS) {
      throw new Error('the gate did not hold: rejected, sent and delivered counts disagree');
    }
  } finally {
    await stack.stop();
    integrator.close();
  }
}

interface Storm {
  seconds: number;
  latencies: number[];
  failures: number;
}

/** Runs the requests at CONCURRENCY over a keep-alive pool; answers their time and latencies. */
async function storm(pool: Pool, requests: Array<{ path: string; method: 'GET' | 'POST' }>): Promise<Storm> {
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
  return { seconds, latencies, failures };
}

/** The rounds together: requests over their summed time, and the percentiles of all their latencies. */
function summarize(rounds: Storm[]) {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
  return { rate: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99), failures: rounds.reduce((sum, r) => sum + r.failures, 0) };
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
