/**
 * Benchmark of the journey layer: a journey of three message steps (each step's `sent` path leads
 * to the next) over BENCH_JOURNEY_CONTACTS contacts (default 100,000), end to end, beside three
 * plain sendouts of the same size one after the other in the same run: the difference is what the
 * journey adds (the run's workflow, each step's audience read from the previous step's messages).
 * Also the workflow history length of the run and of each step's sendout.
 */
import 'reflect-metadata';
import { Client, Connection } from '@temporalio/client';
import { activitySpans, fmt, prepareAudience, printTable, startBenchStack, untilSendoutEnds } from './bench-stack';
import { recordResults, round } from './results';

const CONTACTS = Number(process.env.BENCH_JOURNEY_CONTACTS ?? 100_000);
const STEPS = 3;
const DEADLINE_MS = 30 * 60_000;

async function main(): Promise<void> {
  const stack = await startBenchStack();
  const connection = await Connection.connect({ address: stack.config.temporal.address });
  const temporal = new Client({ connection });
  try {
    console.log(`journey benchmark: ${STEPS} message steps over ${fmt(CONTACTS)} contacts, beside ${STEPS} sendouts of that size`);
    const audience = await prepareAudience(stack, {
      name: 'journey bench',
      cohort: 'journeybench',
      count: CONTACTS,
      payloadTemplate: '{"to":"${email}","subject":"${subject}"}',
    });

    const sendoutsStarted = performance.now();
    const sendoutHistories: number[] = [];
    const sendoutIds: string[] = [];
    for (let i = 1; i <= STEPS; i++) {
      const sendout = await stack.call('POST', '/v1/sendouts', {
        projectId: audience.projectId,
        name: `plain ${i}`,
        segmentId: audience.segmentId,
        integrationId: audience.integrationId,
        content: { subject: `step ${i}` },
      });
      if ((await untilSendoutEnds(stack, sendout.id)).stage !== 'COMPLETED') throw new Error(`sendout ${i} did not complete`);
      sendoutHistories.push(await historyLength(temporal, sendout.workflowId));
      sendoutIds.push(sendout.id);
    }
    const sendoutsSeconds = (performance.now() - sendoutsStarted) / 1000;

    const journey = await stack.call('POST', '/v1/journeys', {
      projectId: audience.projectId,
      name: 'journey bench',
      entryStepId: 'step-1',
      steps: Array.from({ length: STEPS }, (_, i) => ({
        id: `step-${i + 1}`,
        type: 'message',
        integrationId: audience.integrationId,
        content: { subject: `step ${i + 1}` },
        ...(i + 1 < STEPS ? { next: { sent: `step-${i + 2}` } } : {}),
      })),
    });
    await stack.espReset();
    const journeyStarted = performance.now();
    const run = await stack.call('POST', `/v1/journeys/${journey.id}/runs`, { segmentId: audience.segmentId });
    // the stage column, not the run's view: its counts group the messages of every step sendout
    await until('the journey run to end', async () => {
      const row = await stack.sql.one<{ stage: string }>('SELECT stage FROM journey_runs WHERE journey_id = ? AND run_number = ?', [
        journey.id,
        run.run,
      ]);
      return row !== undefined && row.stage !== 'RUNNING';
    });
    const done = await stack.call('GET', `/v1/journeys/${journey.id}/runs/${run.run}`);
    const journeySeconds = (performance.now() - journeyStarted) / 1000;
    const esp = await stack.espStats();
    const stepSendouts = done.steps.flatMap((s: any) => s.sendouts.map((o: any) => ({ step: s.id, id: o.id, sent: o.counts.SENT ?? 0 })));
    const stepHistories = await Promise.all(stepSendouts.map((s: any) => historyLength(temporal, `sendout-${s.id}`)));

    const address = stack.config.temporal.address;
    const generation = async (ids: string[]) =>
      (await Promise.all(ids.map((id) => activitySpans(address, `sendout-${id}`)))).map(
        (spans) => `${(spans.generateMessages ?? 0).toFixed(1)} s`,
      );
    const elapsed = async (ids: string[]) =>
      (
        await Promise.all(
          ids.map(async (id) => {
            const view = await stack.call('GET', `/v1/sendouts/${id}`);
            return (Date.parse(view.completedAt) - Date.parse(view.createdAt)) / 1000;
          }),
        )
      ).map((seconds) => `${seconds.toFixed(1)} s`);
    const stepIds = stepSendouts.map((s: any) => s.id);
    const journeyHistory = await historyLength(temporal, run.workflowId);
    const seconds = (values: string[]) => values.map((v) => round(parseFloat(v), 1)).join(', ');
    printTable([
      ['journey run', `${done.stage}, ${journeySeconds.toFixed(1)} s (${fmt((STEPS * CONTACTS) / journeySeconds)} msg/s)`],
      ['three sendouts one after the other', `${sendoutsSeconds.toFixed(1)} s (${fmt((STEPS * CONTACTS) / sendoutsSeconds)} msg/s)`],
      ['journey / sendouts', `${(journeySeconds / sendoutsSeconds).toFixed(2)}×`],
      ['sent per step', stepSendouts.map((s: any) => `${s.step} ${fmt(s.sent)}`).join(', ')],
      ['ESP requests (distinct keys)', `${fmt(esp.requests)} (${fmt(esp.distinctKeys)})`],
      ['each step sendout: created → completed', (await elapsed(stepIds)).join(', ')],
      ['each plain sendout: created → completed', (await elapsed(sendoutIds)).join(', ')],
      ['generateMessages: step sendouts', (await generation(stepIds)).join(', ')],
      ['generateMessages: plain sendouts', (await generation(sendoutIds)).join(', ')],
      ['history events: journey run', fmt(journeyHistory)],
      ['history events: its step sendouts', stepHistories.map(fmt).join(', ')],
      ['history events: the plain sendouts', sendoutHistories.map(fmt).join(', ')],
    ]);
    await recordResults(stack.sql, 'journey', {
      figures: {
        contacts: CONTACTS,
        steps: STEPS,
        journey_stage: done.stage,
        journey_s: round(journeySeconds),
        journey_msgs_per_s: round((STEPS * CONTACTS) / journeySeconds),
        sendouts_one_after_the_other_s: round(sendoutsSeconds),
        esp_requests: esp.requests,
        esp_distinct_keys: esp.distinctKeys,
        step_sendouts_created_to_completed_s: seconds(await elapsed(stepIds)),
        plain_sendouts_created_to_completed_s: seconds(await elapsed(sendoutIds)),
        step_sendouts_generation_s: seconds(await generation(stepIds)),
        plain_sendouts_generation_s: seconds(await generation(sendoutIds)),
        history_events_journey_run: journeyHistory,
        history_events_step_sendouts: stepHistories.join(', '),
        history_events_plain_sendouts: sendoutHistories.join(', '),
      },
      ratios: { journey_over_sendouts: round(journeySeconds / sendoutsSeconds) },
    });
  } finally {
    await connection.close();
    await stack.stop();
  }
}

async function historyLength(client: Client, workflowId: string): Promise<number> {
  return (await client.workflow.getHandle(workflowId).describe()).historyLength;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
