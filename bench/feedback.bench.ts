/**
 * Benchmark: delivery feedback. The same BENCH_CONTACTS (default 100,000) contacts are sent twice,
 * feedback off then on (to a loopback receiver in this process), and the report sets side by side:
 * the send rate with feedback off and on (the outbox must not halve sending), the feedback events
 * delivered per second, and the raw keep-alive POST rate to the same receiver measured in this run.
 * A third send reports to a webhook that takes up to BENCH_FEEDBACK_BATCH (default 100) events a request.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { FeedbackWebhooksRepository } from '../libs/database/src/repositories/feedback-webhooks.repository';
import { rawUndiciDispatchRate, rawUndiciPostRate } from './baselines';
import {
  BenchStack,
  activitySpans,
  fmt,
  prepareAudience,
  printTable,
  stackCpuMeter,
  startBenchStack,
  untilSendoutEnds,
} from './bench-stack';
import { cpuPerMessage } from './process-cpu';
import { recordResults, round } from './results';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
/** The events a request of the batching webhook carries at most. */
const BATCH = Number(process.env.BENCH_FEEDBACK_BATCH ?? 100);

async function main(): Promise<void> {
  const receiver = await startReceiver();
  const stack = await startBenchStack();
  try {
    console.log(`feedback benchmark: ${CONTACTS.toLocaleString('en')} contacts, MariaDB/MySQL, ${require('node:os').cpus().length} cores`);
    const audience = await prepareAudience(stack, {
      name: 'feedback bench',
      cohort: 'fbench',
      count: CONTACTS,
      payloadTemplate: '{"to":"${email}","subject":"${subject}","messageId":"${messageId}"}',
    });
    const accountId = (await stack.sql.one<{ account_id: string }>('SELECT account_id FROM projects WHERE id = ?', [audience.projectId]))!
      .account_id;
    const webhook = async (maxEventsPerRequest: number) => {
      const id = randomUUID();
      await new FeedbackWebhooksRepository(stack.sql).insert({
        id,
        accountId,
        name: `loopback receiver, ${maxEventsPerRequest} events a request`,
        channels: 'email',
        url: receiver.url,
        authType: 'none',
        authSettings: null,
        authSecret: null,
        headers: [],
        maxEventsPerRequest,
        deletedAt: null,
      });
      return id;
    };
    const [webhookId, batchedWebhookId] = [await webhook(1), await webhook(BATCH)];
    // The faster of undici's two APIs (the deliveries post through its dispatch).
    const rawPost = Math.max(
      await rawUndiciPostRate(receiver.url, 20_000, stack.config.feedback.receiverConcurrency),
      await rawUndiciDispatchRate(receiver.url, 20_000, stack.config.feedback.receiverConcurrency),
    );
    receiver.reset();

    const off = await runSendout(stack, audience, undefined);
    // CPU by process from the POST to the last event at the receiver, per message (each has one event)
    let cpu = stackCpuMeter(stack);
    const on = await runSendout(stack, audience, { webhookIds: [webhookId] });
    const delivered = await waitForEvents(receiver, CONTACTS);
    const cpuOn = cpuPerMessage(cpu(), CONTACTS);
    receiver.reset();
    cpu = stackCpuMeter(stack);
    const batched = await runSendout(stack, audience, { webhookIds: [batchedWebhookId] });
    const deliveredBatched = await waitForEvents(receiver, CONTACTS);
    const cpuBatched = cpuPerMessage(cpu(), CONTACTS);

    printTable([
      ['sending, feedback off', `${fmt(off.sendRate)} msg/s in ${off.sendSeconds.toFixed(2)} s`],
      ['sending, feedback on (outbox rows in the same transactions)', `${fmt(on.sendRate)} msg/s in ${on.sendSeconds.toFixed(2)} s`],
      ['  ratio on / off', `${((on.sendRate / off.sendRate) * 100).toFixed(0)}%`],
      ['feedback events delivered (first to last receipt)', `${fmt(delivered.rate)} events/s (${fmt(delivered.count)} events)`],
      [`  baseline: raw keep-alive POST to the receiver (${stack.config.feedback.receiverConcurrency} in flight)`, `${fmt(rawPost)} req/s`],
      ['  ratio', `${((delivered.rate / rawPost) * 100).toFixed(0)}%`],
      ['sendout with feedback: POST → COMPLETED (fan-out included)', `${on.endToEnd.toFixed(2)} s`],
      ['  of which the fan-out step', `${on.fanOutSeconds.toFixed(2)} s`],
      ['  CPU per message and its event, POST → last event', describeCpu(cpuOn)],
      [
        `a webhook taking up to ${BATCH} events a request: sending`,
        `${fmt(batched.sendRate)} msg/s in ${batched.sendSeconds.toFixed(2)} s`,
      ],
      [
        '  feedback events delivered',
        `${fmt(deliveredBatched.rate)} events/s in ${fmt(deliveredBatched.requests)} requests ` +
          `(${(deliveredBatched.rate / delivered.rate).toFixed(2)}× one a request)`,
      ],
      [
        '  POST → COMPLETED (fan-out included)',
        `${batched.endToEnd.toFixed(2)} s, of which the fan-out step ${batched.fanOutSeconds.toFixed(2)} s`,
      ],
      ['  CPU per message and its event, POST → last event', describeCpu(cpuBatched)],
    ]);
    await recordResults(stack.sql, 'feedback', {
      figures: {
        contacts: CONTACTS,
        send_feedback_off_msgs_per_s: round(off.sendRate),
        send_feedback_off_s: round(off.sendSeconds),
        send_feedback_on_msgs_per_s: round(on.sendRate),
        send_feedback_on_s: round(on.sendSeconds),
        feedback_events_delivered: delivered.count,
        feedback_events_per_s: round(delivered.rate),
        baseline_raw_post_req_per_s: round(rawPost),
        baseline_raw_post_concurrency: stack.config.feedback.receiverConcurrency,
        end_to_end_feedback_on_s: round(on.endToEnd),
        fanout_s: round(on.fanOutSeconds),
        batched_max_events_per_request: BATCH,
        batched_send_msgs_per_s: round(batched.sendRate),
        batched_feedback_events_per_s: round(deliveredBatched.rate),
        batched_feedback_requests: deliveredBatched.requests,
        batched_end_to_end_s: round(batched.endToEnd),
        batched_fanout_s: round(batched.fanOutSeconds),
        ...Object.fromEntries(Object.entries(cpuOn).map(([name, us]) => [`cpu_us_per_msg_and_event_${name}`, round(us, 1)])),
        ...Object.fromEntries(Object.entries(cpuBatched).map(([name, us]) => [`batched_cpu_us_per_msg_and_event_${name}`, round(us, 1)])),
      },
      ratios: {
        send_on_over_off: round(on.sendRate / off.sendRate),
        feedback_events_over_raw_post: round(delivered.rate / rawPost),
        batched_send_over_off: round(batched.sendRate / off.sendRate),
        batched_feedback_events_over_single: round(deliveredBatched.rate / delivered.rate),
      },
    });
    for (const [what, count] of [
      ['one a request', delivered.count],
      ['batched', deliveredBatched.count],
    ] as const) {
      if (count !== CONTACTS) throw new Error(`expected ${CONTACTS} distinct events (${what}), got ${count}`);
    }
  } finally {
    await stack.stop();
    receiver.close();
  }
}

/** µs of CPU by process; the API runs in the bench's process, beside the feedback receiver. */
function describeCpu(us: Record<string, number>): string {
  return (
    `${us.total.toFixed(0)} µs: worker ${us.worker.toFixed(0)}, database ${us.database.toFixed(0)}, ` +
    `bench process (API, feedback receiver) ${us.api.toFixed(0)}, ESP receiver ${us.receiver.toFixed(0)}, ` +
    `Temporal ${us.temporal.toFixed(0)}`
  );
}

async function runSendout(
  stack: BenchStack,
  audience: { projectId: string; segmentId: string; integrationId: string },
  feedback: { webhookIds: string[] } | undefined,
) {
  const started = performance.now();
  const sendout = await stack.call('POST', '/v1/sendouts', {
    projectId: audience.projectId,
    name: feedback ? 'feedback on' : 'feedback off',
    segmentId: audience.segmentId,
    integrationId: audience.integrationId,
    content: { subject: 'Hello {{ contact.firstName }}' },
    ...(feedback ? { feedback } : {}),
  });
  const view = await untilSendoutEnds(stack, sendout.id);
  const endToEnd = (performance.now() - started) / 1000;
  const spans = await activitySpans(stack.config.temporal.address, sendout.workflowId);
  const sendSeconds = spans.sendMessagePage ?? NaN;
  return { sendRate: view.counts.SENT / sendSeconds, sendSeconds, endToEnd, fanOutSeconds: spans.deliverSendoutFeedback ?? 0 };
}

async function waitForEvents(receiver: Awaited<ReturnType<typeof startReceiver>>, expected: number) {
  const deadline = Date.now() + 600_000;
  while (receiver.requestIds.size < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const seconds = (receiver.lastAt - receiver.firstAt) / 1000;
  return { count: receiver.requestIds.size, rate: receiver.requestIds.size / seconds, requests: receiver.requests };
}

/**
 * A bare keep-alive receiver counting distinct requestIds (of single events or arrays of them),
 * requests, and when the first and last arrived.
 */
async function startReceiver() {
  const state = { requestIds: new Set<string>(), requests: 0, firstAt: 0, lastAt: 0 };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const now = Date.now();
      try {
        const parsed = JSON.parse(body) as { requestId?: string } | Array<{ requestId?: string }>;
        const events = Array.isArray(parsed) ? parsed : [parsed];
        if (events[0]?.requestId) {
          for (const event of events) state.requestIds.add(event.requestId!);
          state.requests += 1;
          state.firstAt ||= now;
          state.lastAt = now;
        }
      } catch {
        // a baseline request: not JSON of an event
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    get url() {
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/feedback`;
    },
    get requestIds() {
      return state.requestIds;
    },
    get requests() {
      return state.requests;
    },
    get firstAt() {
      return state.firstAt;
    },
    get lastAt() {
      return state.lastAt;
    },
    reset: () => {
      state.requestIds.clear();
      state.requests = 0;
      state.firstAt = 0;
      state.lastAt = 0;
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
