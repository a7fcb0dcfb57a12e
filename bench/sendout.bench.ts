/**
 * Benchmark: one sendout of BENCH_CONTACTS (default 100,000) contacts through a loopback ESP.
 * Phase timings come from the workflow's history; baselines are measured in the same run.
 */
import 'reflect-metadata';
import { POST_WARM_UP, rawInsertRate, rawNodeHttpPostRate, rawUndiciDispatchRate, rawUndiciPostRate } from './baselines';
import { cpuMeter, cpuPerMessage } from './process-cpu';
import {
  activitiesPerWorker,
  activitySpans,
  fmt,
  prepareAudience,
  printTable,
  stackCpuMeter,
  startBenchStack,
  workerCount,
  untilSendoutEnds,
} from './bench-stack';
import { goal, recordResults, round } from './results';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);

async function main(): Promise<void> {
  const stack = await startBenchStack();
  try {
    console.log(
      `sendout benchmark: ${CONTACTS.toLocaleString('en')} contacts, MariaDB/MySQL, loopback ESP, ` +
        `${require('node:os').cpus().length} cores, ${workerCount()} worker${workerCount() > 1 ? 's' : ''}`,
    );
    const { projectId, segmentId, integrationId, upsertRate } = await prepareAudience(stack, {
      name: 'bench',
      cohort: 'bench',
      count: CONTACTS,
      payloadTemplate: '{"to":"${email}","subject":"${subject}","html":"${html}","messageId":"${messageId}"}',
    });

    const insertBaseline = await rawInsertRate(stack.sql, CONTACTS);
    const postConcurrency = stack.config.sendout.sendWindow * stack.config.sendout.sendConcurrency;
    const undiciBaseline = await rawUndiciPostRate(stack.espUrl, 20_000, postConcurrency);
    const nodeHttpBaseline = await rawNodeHttpPostRate(stack.espUrl, 20_000, postConcurrency);
    // What a raw request costs the machine, to set beside what a message costs it (below).
    const rawCpu = cpuMeter({ client: [process.pid], receiver: [stack.pids.receiver] });
    const dispatchBaseline = await rawUndiciDispatchRate(stack.espUrl, 20_000, postConcurrency);
    const rawCpuUs = cpuPerMessage(rawCpu(), 20_000 + POST_WARM_UP);
    await stack.espReset();

    const started = performance.now();
    const cpu = stackCpuMeter(stack);
    const sendout = await stack.call('POST', '/v1/sendouts', {
      projectId,
      name: 'bench',
      segmentId,
      integrationId,
      content: {
        subject: 'Hello {{ contact.firstName }}',
        html: '<p>Hi {{ contact.firstName }}, this is message for {{ contact.email }}</p>',
      },
    });
    const view = await untilSendoutEnds(stack, sendout.id);
    const endToEnd = (performance.now() - started) / 1000;
    const cpuUs = cpuPerMessage(cpu(), view.total);

    const spans = await activitySpans(stack.config.temporal.address, sendout.workflowId);
    const pagesPerWorker = await activitiesPerWorker(stack.config.temporal.address, sendout.workflowId, 'sendMessagePage');
    const phases = { generate: spans.generateMessages ?? NaN, send: spans.sendMessagePage ?? NaN };
    const stats = await stack.espStats();
    const generationRate = view.total / phases.generate;
    const sendRate = view.counts.SENT / phases.send;
    const rawPost = Math.max(undiciBaseline, nodeHttpBaseline, dispatchBaseline);
    printTable([
      ['contacts upserted over the API', `${fmt(upsertRate)} rows/s`],
      ['generation (INSERT … SELECT pages)', `${fmt(generationRate)} rows/s in ${phases.generate.toFixed(2)} s`],
      ['  baseline: raw multi-row INSERT', `${fmt(insertBaseline)} rows/s`],
      ['  ratio', `${(generationRate / insertBaseline).toFixed(2)}×`],
      ['sending (render + POST + record)', `${fmt(sendRate)} msg/s in ${phases.send.toFixed(2)} s`],
      ['  baseline: raw keep-alive POST (undici Pool)', `${fmt(undiciBaseline)} req/s`],
      ['  baseline: raw keep-alive POST (node:http Agent)', `${fmt(nodeHttpBaseline)} req/s`],
      ['  baseline: raw keep-alive POST (undici dispatch)', `${fmt(dispatchBaseline)} req/s`],
      ['  ratio to the fastest raw POST', `${((sendRate / rawPost) * 100).toFixed(0)}%`],
      ['  pages per worker', pagesPerWorker.join(' / ')],
      ['end to end (POST /v1/sendouts → COMPLETED)', `${endToEnd.toFixed(2)} s`],
      [
        'CPU per message, POST → COMPLETED',
        `${cpuUs.total.toFixed(0)} µs: worker ${cpuUs.worker.toFixed(0)}, database ${cpuUs.database.toFixed(0)}, ` +
          `ESP receiver ${cpuUs.receiver.toFixed(0)}, Temporal ${cpuUs.temporal.toFixed(0)}, API and bench driver ${cpuUs.api.toFixed(0)}`,
      ],
      [
        '  a raw POST (undici dispatch)',
        `${rawCpuUs.total.toFixed(0)} µs: client ${rawCpuUs.client.toFixed(0)}, ESP receiver ${rawCpuUs.receiver.toFixed(0)}`,
      ],
      ['messages SENT / ESP distinct keys / ESP requests', `${view.counts.SENT} / ${stats.distinctKeys} / ${stats.requests}`],
    ]);
    await recordResults(stack.sql, 'sendout', {
      figures: {
        contacts: CONTACTS,
        workers: workerCount(),
        upload_rows_per_s: round(upsertRate),
        generation_rows_per_s: round(generationRate),
        generation_s: round(phases.generate),
        send_msgs_per_s: round(sendRate),
        send_s: round(phases.send),
        end_to_end_s: round(endToEnd),
        cpu_us_per_msg_total: round(cpuUs.total, 1),
        cpu_us_per_msg_worker: round(cpuUs.worker, 1),
        cpu_us_per_msg_database: round(cpuUs.database, 1),
        cpu_us_per_msg_esp_receiver: round(cpuUs.receiver, 1),
        cpu_us_per_msg_temporal: round(cpuUs.temporal, 1),
        cpu_us_per_msg_api_and_bench_driver: round(cpuUs.api, 1),
        baseline_raw_post_cpu_us_per_req_client: round(rawCpuUs.client, 1),
        baseline_raw_post_cpu_us_per_req_esp_receiver: round(rawCpuUs.receiver, 1),
        messages_sent: view.counts.SENT,
        esp_distinct_keys: stats.distinctKeys,
        esp_requests: stats.requests,
        baseline_raw_insert_rows_per_s: round(insertBaseline),
        baseline_raw_post_undici_req_per_s: round(undiciBaseline),
        baseline_raw_post_node_http_req_per_s: round(nodeHttpBaseline),
        baseline_raw_post_undici_dispatch_req_per_s: round(dispatchBaseline),
        baseline_raw_post_concurrency: postConcurrency,
      },
      ratios: { generation_over_raw_insert: round(generationRate / insertBaseline), send_over_raw_post: round(sendRate / rawPost) },
      goals: {
        generation_over_raw_insert: goal(round(generationRate / insertBaseline), '>=', 1.0),
        send_over_raw_post: goal(round(sendRate / rawPost), '>=', 0.6),
      },
    });
    if (view.counts.SENT !== CONTACTS || stats.distinctKeys !== CONTACTS)
      throw new Error('the sendout did not send every message exactly once');
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
