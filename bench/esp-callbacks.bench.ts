/**
 * Benchmark of inbound ESP delivery callbacks: a sendout of BENCH_CALLBACK_MESSAGES (default
 * 20,000) messages is sent to the loopback ESP, then its SendGrid-shaped `delivered` events are
 * posted to the integration's callback URL in batches of 100 at concurrency 8 (BENCH_CALLBACK_CONCURRENCY): events/s ingested
 * and applied (SENT → DELIVERED with the outbox rows), then the same callbacks again (all duplicates).
 */
import 'reflect-metadata';
import { Pool } from 'undici';
import { fmt, prepareAudience, printTable, startBenchStack, untilSendoutEnds } from './bench-stack';
import { recordResults, round } from './results';

const MESSAGES = Number(process.env.BENCH_CALLBACK_MESSAGES ?? 20_000);
const BATCH = 100;
const CONCURRENCY = Number(process.env.BENCH_CALLBACK_CONCURRENCY ?? 8);

async function main(): Promise<void> {
  const stack = await startBenchStack();
  try {
    console.log(`ESP callback benchmark: ${fmt(MESSAGES)} delivered events, ${BATCH} per POST, concurrency ${CONCURRENCY}`);
    const audience = await prepareAudience(stack, {
      name: 'callback bench',
      cohort: 'callbacks',
      count: MESSAGES,
      payloadTemplate: '{"to":"${email}","subject":"${subject}"}',
    });
    const integration = await stack.call('PATCH', `/v1/integrations/${audience.integrationId}`, {
      feedbackMapping: { preset: 'sendgrid' },
    });
    const sendout = await stack.call('POST', '/v1/sendouts', {
      projectId: audience.projectId,
      name: 'callback bench',
      segmentId: audience.segmentId,
      integrationId: audience.integrationId,
      content: { subject: 'Hi' },
    });
    let view = await untilSendoutEnds(stack, sendout.id, 500);

    const keys = (
      await stack.sql.all<{ idempotency_key: string }>('SELECT idempotency_key FROM messages WHERE sendout_id = ? ORDER BY id', [
        sendout.id,
      ])
    ).map((r) => r.idempotency_key);
    const bodies: string[] = [];
    for (let i = 0; i < keys.length; i += BATCH) {
      bodies.push(
        JSON.stringify(
          keys.slice(i, i + BATCH).map((key, j) => ({
            sg_message_id: `bench${i + j}.filter0001`,
            event: 'delivered',
            idempotencyKey: key,
            timestamp: 1_764_000_000 + i + j,
          })),
        ),
      );
    }
    const url = new URL(integration.callbackUrl);
    const first = await post(url, bodies);
    const again = await post(url, bodies);
    view = await stack.call('GET', `/v1/sendouts/${sendout.id}`);

    printTable([
      [
        'callbacks ingested and applied',
        `${fmt(keys.length / first.seconds)} events/s (${fmt(keys.length)} in ${first.seconds.toFixed(2)} s)`,
      ],
      ['  the same callbacks again (duplicates)', `${fmt(keys.length / again.seconds)} events/s, ${fmt(again.duplicates)} duplicates`],
      ['messages DELIVERED', `${fmt(view.counts.DELIVERED ?? 0)} of ${fmt(keys.length)}`],
    ]);
    await recordResults(stack.sql, 'esp-callbacks', {
      figures: {
        events: keys.length,
        events_per_post: BATCH,
        concurrency: CONCURRENCY,
        ingest_events_per_s: round(keys.length / first.seconds),
        ingest_s: round(first.seconds),
        duplicates_events_per_s: round(keys.length / again.seconds),
        duplicates: again.duplicates,
        messages_delivered: view.counts.DELIVERED ?? 0,
      },
    });
  } finally {
    await stack.stop();
  }
}

/** Posts every body, CONCURRENCY at a time over keep-alive connections. */
async function post(url: URL, bodies: string[]): Promise<{ seconds: number; duplicates: number }> {
  const pool = new Pool(url.origin, { connections: CONCURRENCY });
  let next = 0;
  let duplicates = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const answer = await pool.request({ method: 'POST', path: url.pathname, headers: { 'content-type': 'application/json' }, body });
          const text = await answer.body.text();
          if (answer.statusCode !== 200) throw new Error(`callback answered ${answer.statusCode}: ${text}`);
          duplicates += (JSON.parse(text) as { duplicates: number }).duplicates;
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return { seconds: (performance.now() - started) / 1000, duplicates };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
