/**
 * Benchmark: one sendout of BENCH_CONTACTS (default 1,000,000) contacts end to end, as a product
 * would run it: the send gate on and accepted the moment its webhook arrives, feedback on to a
 * loopback receiver (BENCH_FEEDBACK_BATCH events a request, default 1), until COMPLETED. The API
 * and the worker each run in their own process; once a second the ESP's count and both processes'
 * resident memory are sampled. Baselines are measured in the same run on the same database and
 * receiver, and the figures go to the results JSON and a chart.
 * Not in the default list: `BENCHES=million make bench`.
 */
import 'reflect-metadata';
import { cpus } from 'node:os';
import { rawInsertRate, rawInsertSelectRate, rawNodeHttpPostRate, rawUndiciDispatchRate, rawUndiciPostRate } from './baselines';
import {
  BenchStack,
  LoopbackReceiver,
  activityWindows,
  cohortFilter,
  fmt,
  prepareAudience,
  printTable,
  rssMiB,
  startBenchStack,
  startIntegrator,
  startLoopbackReceiver,
  workflowRuns,
} from './bench-stack';
import { drawChart } from './chart';
import { goal, recordResults, round } from './results';
import { MillionSample, MillionSeries, PhaseMark, historyStats, memoryFigures, steadyRate } from './million-figures';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
/** Requests of each raw POST baseline: enough for a steady rate, the time for CONTACTS is computed from it. */
const RAW_POSTS = Number(process.env.BENCH_RAW_POSTS ?? 50_000);
const MIB_GOAL = 512;
/** The events a feedback request may carry (the webhook's maxEventsPerRequest); 1, one a request, by default. */
const FEEDBACK_BATCH = Number(process.env.BENCH_FEEDBACK_BATCH ?? 1);
const COHORT = 'million';

async function main(): Promise<void> {
  const gateEvents: { webhookAt?: number; acceptedAt?: number; acceptStatus?: number } = {};
  // "Auto-accepted": the product has no such option, so the integrator POSTs finishUri as soon as the webhook is answered.
  const integrator = await startIntegrator((hook) => {
    gateEvents.webhookAt = Date.now();
    void fetch(hook.finishUri, { method: 'POST' }).then((res) => {
      gateEvents.acceptedAt = Date.now();
      gateEvents.acceptStatus = res.status;
    });
  });
  const feedbackReceiver = await startLoopbackReceiver('/feedback');
  const stack = await startBenchStack({ apiProcess: true });
  try {
    console.log(
      `million benchmark: ${fmt(CONTACTS)} contacts, gate auto-accepted, feedback on; MariaDB/MySQL, loopback ESP, ${cpus().length} cores`,
    );
    await stack.call('PUT', '/v1/send-gate/endpoint', { transport: 'http', url: integrator.url });

    // Setup (not measured against a goal): the contacts go in over the API, whose memory is watched meanwhile.
    const uploadRss = watchRss(stack);
    const audience = await prepareAudience(stack, {
      name: 'million bench',
      cohort: COHORT,
      count: CONTACTS,
      payloadTemplate: '{"to":"${email}","subject":"${subject}","html":"${html}","messageId":"${messageId}"}',
    });
    const uploadApiRss = uploadRss.stop();
    const webhook = await stack.call('POST', '/v1/feedback-webhooks', {
      name: 'loopback feedback receiver',
      channels: ['email'],
      url: feedbackReceiver.url,
      auth: { type: 'none' },
      maxEventsPerRequest: FEEDBACK_BATCH,
    });

    console.log('baselines…');
    const insertRate = await rawInsertRate(stack.sql, CONTACTS);
    const insertSelect = await rawInsertSelectRate(stack.sql, stack.accountId, cohortFilter(COHORT));
    const postConcurrency = stack.config.sendout.sendWindow * stack.config.sendout.sendConcurrency;
    const rawPosts = async () => ({
      undici: await rawUndiciPostRate(stack.espUrl, RAW_POSTS, postConcurrency),
      nodeHttp: await rawNodeHttpPostRate(stack.espUrl, RAW_POSTS, postConcurrency),
      dispatch: await rawUndiciDispatchRate(stack.espUrl, RAW_POSTS, postConcurrency),
    });
    const postsBefore = await rawPosts();
    await stack.espReset();
    await feedbackReceiver.reset();

    console.log('sendout…');
    const ioBefore = await databaseIo(stack);
    const t0 = Date.now();
    const sendout = await stack.call('POST', '/v1/sendouts', {
      projectId: audience.projectId,
      name: 'million bench',
      segmentId: audience.segmentId,
      integrationId: audience.integrationId,
      content: {
        subject: 'Hello {{ contact.firstName }}',
        html: '<p>Hi {{ contact.firstName }}, this is message for {{ contact.email }}</p>',
      },
      gate: { enabled: true, timeout: '1h' },
      feedback: { webhookIds: [webhook.id] },
    });
    const samples = await sampleUntilFinished(stack, feedbackReceiver, sendout.id, t0);
    const endToEnd = (samples[samples.length - 1].at - t0) / 1000;
    const ioAfter = await databaseIo(stack);

    const view = await stack.call('GET', `/v1/sendouts/${sendout.id}`);
    const esp = await stack.espStats();
    const runs = await workflowRuns(stack.config.temporal.address, sendout.workflowId);
    const windows = activityWindows(runs);
    const history = historyStats(runs);
    const outbox = await stack.sql.all<{ state: string; n: number | string }>(
      'SELECT state, COUNT(*) AS n FROM feedback_deliveries WHERE sendout_id = ? GROUP BY state',
      [sendout.id],
    );
    const feedbackRows = Object.fromEntries(outbox.map((r) => [r.state, Number(r.n)]));
    const feedbackWritten = Object.values(feedbackRows).reduce((a, b) => a + b, 0);
    const feedbackPosts = (await feedbackReceiver.stats()).requests;
    const failures = await stack.sql.all<{ reason: string | null; n: number | string }>(
      "SELECT reason, COUNT(*) AS n FROM messages WHERE sendout_id = ? AND state = 'FAILED' GROUP BY reason",
      [sendout.id],
    );
    // Again after the sendout, as the machine is shared: the ceiling is the better of the two measurements.
    const postsAfter = await rawPosts();
    const rawPostRate = Math.max(...Object.values(postsBefore), ...Object.values(postsAfter));

    const seconds = (w?: { first: number; last: number }) => (w ? (w.last - w.first) / 1000 : NaN);
    const sent = Number(view.counts.SENT ?? 0);
    const generate = windows.generateMessages;
    const send = windows.sendMessagePage;
    const fanOut = windows.deliverSendoutFeedback;
    // closeGate is a local activity since quick-accept: the gate ends where the first page is scheduled.
    const gateEnd = windows.closeGate?.last ?? send?.first ?? NaN;
    const generationRate = view.total / seconds(generate);
    const sendRate = sent / seconds(send);
    const steady = steadyRate(samples, CONTACTS);
    const rawInsertSeconds = CONTACTS / insertRate;
    const rawPostSeconds = CONTACTS / rawPostRate;
    const memory = memoryFigures(samples, Math.min(100_000, CONTACTS / 10), CONTACTS * 0.9);
    const apiRssMax = Math.max(memory.api.max, uploadApiRss);
    const activitiesPer1000 = ((history.activitiesScheduled + history.localActivities) / sent) * 1000;

    const phases: PhaseMark[] = [
      { name: 'generate', start: generate?.first, end: generate?.last },
      { name: 'gate', start: generate?.last, end: gateEnd },
      { name: 'send', start: send?.first, end: send?.last },
      { name: 'feedback fan-out', start: fanOut?.first, end: fanOut?.last },
    ].map((p) => ({ name: p.name, start_s: round(((p.start ?? NaN) - t0) / 1000, 2), end_s: round(((p.end ?? NaN) - t0) / 1000, 2) }));
    const series: MillionSeries = {
      t0: new Date(t0).toISOString(),
      // t0 and t_s say when each sample was taken; `at` would repeat it
      samples: samples.map(({ at: _at, ...s }) => s),
      phases,
    };

    const figures = {
      contacts: CONTACTS,
      setup_upload_rows_per_s: round(audience.upsertRate),
      setup_api_rss_max_mib: round(uploadApiRss, 1),
      generation_rows_per_s: round(generationRate),
      generation_s: round(seconds(generate)),
      gate_wait_s: round((gateEnd - (generate?.last ?? NaN)) / 1000),
      gate_webhook_after_generation_ms: round((gateEvents.webhookAt ?? NaN) - (generate?.last ?? NaN), 0),
      gate_accept_answered_after_webhook_ms: round((gateEvents.acceptedAt ?? NaN) - (gateEvents.webhookAt ?? NaN), 0),
      gate_release_s: round(seconds(windows.releaseAcceptedGate ?? windows.closeGate)),
      send_msgs_per_s: round(sendRate),
      send_s: round(seconds(send)),
      send_steady_msgs_per_s: round(steady),
      feedback_fanout_s: round(seconds(fanOut)),
      feedback_events_written: feedbackWritten,
      feedback_events_delivered: feedbackRows.DELIVERED ?? 0,
      feedback_posts_received: feedbackPosts,
      feedback_max_events_per_request: FEEDBACK_BATCH,
      end_to_end_s: round(endToEnd),
      end_to_end_until_last_sent_s: round(((send?.last ?? NaN) - t0) / 1000),
      messages_sent: sent,
      messages_failed: Number(view.counts.FAILED ?? 0),
      esp_requests: esp.requests,
      esp_distinct_keys: esp.distinctKeys,
      worker_rss_max_mib: round(memory.worker.max, 1),
      worker_rss_max_mib_until_mark: round(memory.worker.untilMark, 1),
      worker_rss_max_mib_at_end: round(memory.worker.atEnd, 1),
      worker_rss_median_mib_mark_to_twice: round(memory.worker.medianAfterMark, 1),
      worker_rss_median_mib_at_end: round(memory.worker.medianAtEnd, 1),
      api_rss_max_mib: round(memory.api.max, 1),
      api_rss_max_mib_until_mark: round(memory.api.untilMark, 1),
      api_rss_max_mib_at_end: round(memory.api.atEnd, 1),
      api_rss_median_mib_mark_to_twice: round(memory.api.medianAfterMark, 1),
      api_rss_median_mib_at_end: round(memory.api.medianAtEnd, 1),
      rss_mark_messages_sent: memory.mark,
      rss_end_from_messages_sent: memory.endFrom,
      api_in_own_process: stack.pids.apiInOwnProcess,
      workflow_runs: history.runs,
      history_events_total: history.events,
      activities_scheduled: history.activitiesScheduled,
      local_activities: history.localActivities,
      activities_per_1000_messages: round(activitiesPer1000),
      database_buffer_pool_mib: round(ioAfter.bufferPoolMiB, 0),
      database_read_from_disk_mib: round(ioAfter.readMiB - ioBefore.readMiB, 0),
      database_written_mib: round(ioAfter.writtenMiB - ioBefore.writtenMiB, 0),
      baseline_raw_insert_rows_per_s: round(insertRate),
      baseline_raw_insert_s_for_contacts: round(rawInsertSeconds),
      baseline_insert_select_rows_per_s: round(insertSelect.rate),
      baseline_insert_select_s: round(insertSelect.rows / insertSelect.rate),
      baseline_raw_post_undici_req_per_s: round(postsBefore.undici),
      baseline_raw_post_node_http_req_per_s: round(postsBefore.nodeHttp),
      baseline_raw_post_undici_dispatch_req_per_s: round(postsBefore.dispatch),
      baseline_raw_post_undici_after_req_per_s: round(postsAfter.undici),
      baseline_raw_post_node_http_after_req_per_s: round(postsAfter.nodeHttp),
      baseline_raw_post_undici_dispatch_after_req_per_s: round(postsAfter.dispatch),
      baseline_raw_post_req_per_s: round(rawPostRate),
      baseline_raw_post_requests: RAW_POSTS,
      baseline_raw_post_concurrency: postConcurrency,
      baseline_raw_post_s_for_contacts: round(rawPostSeconds),
    };
    const ratios = {
      end_to_end_over_raw_insert_plus_post: round(endToEnd / (rawInsertSeconds + rawPostSeconds)),
      end_to_end_until_last_sent_over_raw_insert_plus_post: round(
        figures.end_to_end_until_last_sent_s / (rawInsertSeconds + rawPostSeconds),
      ),
      generation_over_raw_insert: round(generationRate / insertRate),
      generation_over_insert_select: round(generationRate / insertSelect.rate),
      send_over_raw_post: round(sendRate / rawPostRate),
      steady_send_over_raw_post: round(steady / rawPostRate),
    };
    const goals = {
      end_to_end: goal(ratios.end_to_end_over_raw_insert_plus_post, '<=', 1.3, 'POST → COMPLETED / (raw INSERT + raw POST time)'),
      worker_rss: goal(memory.worker.max, '<=', MIB_GOAL, 'MiB, max through the run'),
      api_rss: goal(apiRssMax, '<=', MIB_GOAL, 'MiB, max through the upload and the sendout'),
      worker_rss_flat: goal(round(memory.worker.atEnd / memory.worker.untilMark), '<=', 1.1, 'max at the end / max until the mark'),
      api_rss_flat: goal(round(memory.api.atEnd / memory.api.untilMark), '<=', 1.1, 'max at the end / max until the mark'),
      activities_per_1000_messages: goal(activitiesPer1000, '<=', 2),
      history_events_per_sendout: goal(
        round((history.events / sent) * 1_000_000, 0),
        '<=',
        10_000,
        'all runs, scaled to 1,000,000 messages',
      ),
      generation_over_raw_insert: goal(ratios.generation_over_raw_insert, '>=', 1.0),
      generation_over_insert_select: goal(ratios.generation_over_insert_select, '>=', 0.9),
      steady_send_over_raw_post: goal(ratios.steady_send_over_raw_post, '>=', 0.6),
    };

    const pct = (n: number) => `${(n * 100).toFixed(0)}%`;
    const met = (g: { met: boolean }) => (g.met ? 'met' : 'NOT met');
    printTable([
      ['setup: contacts over the API', `${fmt(audience.upsertRate)} rows/s, API RSS max ${uploadApiRss.toFixed(0)} MiB`],
      ['generation (INSERT … SELECT pages)', `${fmt(generationRate)} rows/s in ${seconds(generate).toFixed(1)} s`],
      ['  baseline: raw multi-row INSERT', `${fmt(insertRate)} rows/s (${rawInsertSeconds.toFixed(1)} s)`],
      [
        '  baseline: one INSERT … SELECT of the segment',
        `${fmt(insertSelect.rate)} rows/s (${(insertSelect.rows / insertSelect.rate).toFixed(1)} s)`,
      ],
      [
        '  ratios (goals ≥ 1.0× / ≥ 90%)',
        `${ratios.generation_over_raw_insert.toFixed(2)}× / ${pct(ratios.generation_over_insert_select)}`,
      ],
      [
        'gate: generated → closed (webhook, accept, release)',
        `${figures.gate_wait_s.toFixed(1)} s (webhook +${figures.gate_webhook_after_generation_ms} ms, ` +
          `accept answered +${figures.gate_accept_answered_after_webhook_ms} ms, ` +
          `release ${figures.gate_release_s.toFixed(1)} s beside the first pages)`,
      ],
      ['sending (render + POST + record)', `${fmt(sendRate)} msg/s in ${seconds(send).toFixed(1)} s; steady ${fmt(steady)} msg/s`],
      [
        '  baseline: raw keep-alive POST (undici request / node:http / undici dispatch)',
        `${fmt(postsBefore.undici)} / ${fmt(postsBefore.nodeHttp)} / ${fmt(postsBefore.dispatch)} req/s at ${postConcurrency} in flight ` +
          `(after the sendout ${fmt(postsAfter.undici)} / ${fmt(postsAfter.nodeHttp)} / ${fmt(postsAfter.dispatch)})`,
      ],
      ['  steady ratio (goal ≥ 60%)', `${pct(ratios.steady_send_over_raw_post)} (whole send step ${pct(ratios.send_over_raw_post)})`],
      [
        `feedback: events written / delivered / fan-out (up to ${FEEDBACK_BATCH} a request)`,
        `${fmt(feedbackWritten)} / ${fmt(feedbackRows.DELIVERED ?? 0)} / ${seconds(fanOut).toFixed(1)} s in ${fmt(feedbackPosts)} requests`,
      ],
      [
        'end to end (POST /v1/sendouts → COMPLETED)',
        `${endToEnd.toFixed(1)} s (last message sent at ${figures.end_to_end_until_last_sent_s.toFixed(1)} s)`,
      ],
      ['  baseline: raw INSERT + raw POST time', `${(rawInsertSeconds + rawPostSeconds).toFixed(1)} s`],
      [
        '  ratio (goal ≤ 1.3×)',
        `${ratios.end_to_end_over_raw_insert_plus_post.toFixed(2)}× ` +
          `(until the last send ${ratios.end_to_end_until_last_sent_over_raw_insert_plus_post.toFixed(2)}×)`,
      ],
      [
        `worker RSS max until ${fmt(memory.mark)} sent / at the end / overall`,
        `${memory.worker.untilMark.toFixed(0)} / ${memory.worker.atEnd.toFixed(0)} / ${memory.worker.max.toFixed(0)} MiB ` +
          `(${met(goals.worker_rss)}, flat ${met(goals.worker_rss_flat)})`,
      ],
      [
        `API RSS max until ${fmt(memory.mark)} sent / at the end / overall`,
        `${memory.api.untilMark.toFixed(0)} / ${memory.api.atEnd.toFixed(0)} / ${memory.api.max.toFixed(0)} MiB ` +
          `(${met(goals.api_rss)}, flat ${met(goals.api_rss_flat)})`,
      ],
      [
        'history: runs / events / activities (+ local)',
        `${history.runs} / ${fmt(history.events)} / ${fmt(history.activitiesScheduled)} (+${fmt(history.localActivities)})`,
      ],
      ['  activities per 1,000 messages (goal ≤ 2)', activitiesPer1000.toFixed(2)],
      [
        'database: buffer pool / read from disk / written, POST → COMPLETED',
        `${fmt(figures.database_buffer_pool_mib)} / ${fmt(figures.database_read_from_disk_mib)} / ${fmt(figures.database_written_mib)} MiB`,
      ],
      ['messages SENT / ESP distinct keys / ESP requests', `${fmt(sent)} / ${fmt(esp.distinctKeys)} / ${fmt(esp.requests)}`],
      ...failures.map((f): [string, string] => [`  FAILED: ${f.reason ?? '(no reason)'}`, fmt(Number(f.n))]),
    ]);
    const resultsFile = await recordResults(stack.sql, 'million', {
      figures,
      ratios,
      goals,
      messageCounts: view.counts,
      failedReasons: failures.map((f) => ({ reason: f.reason, messages: Number(f.n) })),
      series,
    });
    const chart = drawChart(resultsFile);
    console.log(`chart drawn to ${chart}`);
    if (esp.requests !== esp.distinctKeys) throw new Error(`${esp.requests - esp.distinctKeys} messages reached the ESP twice`);
    if (view.stage !== 'COMPLETED' || sent !== CONTACTS || esp.distinctKeys !== CONTACTS) {
      const failed = failures.map((f) => `${f.n} × ${f.reason}`).join('; ');
      throw new Error(`${view.stage} with ${fmt(sent)} of ${fmt(CONTACTS)} messages sent${failed ? `; FAILED: ${failed}` : ''}`);
    }
  } finally {
    await stack.stop();
    feedbackReceiver.stop();
    integrator.close();
  }
}

/** Samples the ESP's count and both processes' memory once a second until the sendout is finished. */
async function sampleUntilFinished(stack: BenchStack, feedback: LoopbackReceiver, sendoutId: string, t0: number): Promise<MillionSample[]> {
  const samples: MillionSample[] = [];
  for (;;) {
    const at = Date.now();
    const [esp, events, row] = await Promise.all([
      stack.espStats(),
      feedback.stats(),
      // the stage column, not GET /v1/sendouts/:id: its counts would group a million rows every second
      stack.sql.one<{ stage: string }>('SELECT stage FROM sendouts WHERE id = ?', [sendoutId]),
    ]);
    const previous = samples[samples.length - 1];
    const perS = (now: number, before = 0) => (previous ? round(((now - before) * 1000) / (at - previous.at), 1) : 0);
    samples.push({
      at,
      t_s: round((at - t0) / 1000, 2),
      esp_sent: esp.requests,
      esp_msgs_per_s: perS(esp.requests, previous?.esp_sent),
      feedback_received: events.events,
      feedback_per_s: perS(events.events, previous?.feedback_received),
      worker_rss_mib: round(rssMiB(stack.pids.workers[0]), 1),
      api_rss_mib: round(rssMiB(stack.pids.api), 1),
      stage: row?.stage ?? '?',
    });
    if (['COMPLETED', 'FAILED', 'CANCELED'].includes(row?.stage ?? '')) return samples;
    if (at - t0 > 3 * 3_600_000) throw new Error('the sendout did not finish within 3 hours');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1_000 - (Date.now() - at))));
  }
}

/**
 * The database server's buffer pool and its InnoDB data read from and written to disk so far (the
 * server's counters, since it started). A buffer pool smaller than the working set shows as reads.
 */
async function databaseIo(stack: BenchStack): Promise<{ bufferPoolMiB: number; readMiB: number; writtenMiB: number }> {
  const size = await stack.sql.one<{ size: number | string }>('SELECT @@innodb_buffer_pool_size AS size');
  const status = await stack.sql.all<{ Variable_name: string; Value: string }>(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_data_read', 'Innodb_data_written')",
  );
  const counter = (name: string) => Number(status.find((row) => row.Variable_name === name)?.Value ?? NaN) / 2 ** 20;
  return {
    bufferPoolMiB: Number(size?.size ?? NaN) / 2 ** 20,
    readMiB: counter('Innodb_data_read'),
    writtenMiB: counter('Innodb_data_written'),
  };
}

/** The API's highest resident memory while something runs (sampled every 250 ms). */
function watchRss(stack: BenchStack) {
  let max = rssMiB(stack.pids.api);
  const timer = setInterval(() => (max = Math.max(max, rssMiB(stack.pids.api))), 250);
  return {
    stop: () => {
      clearInterval(timer);
      return max;
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
