/**
 * Benchmark: from the integrator's accept (POST finishUri) to the first message at the ESP, over
 * BENCH_ACCEPT_RUNS (default 20) gated sendouts of BENCH_ACCEPT_CONTACTS (default 10,000) contacts
 * each, one after the other; p50 and p99, and where the time of the median run went, read from
 * its workflow history.
 */
import 'reflect-metadata';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { fmt, prepareAudience, printTable, startBenchStack, startIntegrator, untilSendoutEnds } from './bench-stack';
import { goal, recordResults } from './results';

const RUNS = Number(process.env.BENCH_ACCEPT_RUNS ?? 20);
const CONTACTS = Number(process.env.BENCH_ACCEPT_CONTACTS ?? 10_000);

async function main(): Promise<void> {
  const integrator = await startIntegrator();
  const stack = await startBenchStack();
  try {
    console.log(`accept benchmark: ${RUNS} gated sendouts of ${fmt(CONTACTS)} contacts, accept → first message at the ESP`);
    await stack.call('PUT', '/v1/send-gate/endpoint', { transport: 'http', url: integrator.url });
    const audience = await prepareAudience(stack, {
      name: 'accept bench',
      cohort: 'accept',
      count: CONTACTS,
      payloadTemplate: '{"to":"${email}","subject":"${subject}"}',
    });
    const runs: Array<{ ms: number; workflowId: string; acceptedAt: number; firstAt: number }> = [];
    for (let run = 0; run < RUNS; run++) {
      const sendout = await stack.call('POST', '/v1/sendouts', {
        projectId: audience.projectId,
        name: `accept bench ${run}`,
        segmentId: audience.segmentId,
        integrationId: audience.integrationId,
        content: { subject: 'Hi {{ contact.firstName }}' },
        gate: { enabled: true, timeout: '30m' },
      });
      const hook = await integrator.webhook(sendout.id);
      await stack.espReset();
      const acceptedAt = Date.now();
      const accept = await fetch(hook.finishUri, { method: 'POST' });
      if (!accept.ok) throw new Error(`accept failed: ${accept.status}`);
      const view = await untilSendoutEnds(stack, sendout.id, 100);
      const { firstAt, distinctKeys } = await stack.espStats();
      if (view.counts.SENT !== CONTACTS || distinctKeys !== CONTACTS || firstAt === null)
        throw new Error(`run ${run}: ${view.counts.SENT} sent, ${distinctKeys} keys at the ESP`);
      runs.push({ ms: firstAt - acceptedAt, workflowId: sendout.workflowId, acceptedAt, firstAt });
    }
    const sorted = [...runs].sort((a, b) => a.ms - b.ms);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)].ms;
    const median = sorted[Math.ceil(sorted.length * 0.5) - 1];
    const steps = await stepsAfterAccept(stack.config.temporal.address, median.workflowId, median.acceptedAt, median.firstAt);
    printTable([
      ['accept → first message at the ESP, p50', `${pct(0.5)} ms`],
      ['accept → first message at the ESP, p99', `${pct(0.99)} ms`],
      ['  min / max', `${sorted[0].ms} / ${sorted[sorted.length - 1].ms} ms`],
      ['median run, from its history (ms after the accept):', ''],
      ...steps.map(([what, at]): [string, string] => [`  ${what}`, `${at}`]),
    ]);
    await recordResults(stack.sql, 'accept', {
      figures: {
        runs: RUNS,
        contacts_per_run: CONTACTS,
        accept_to_first_message_p50_ms: pct(0.5),
        accept_to_first_message_p99_ms: pct(0.99),
        accept_to_first_message_min_ms: sorted[0].ms,
        accept_to_first_message_max_ms: sorted[sorted.length - 1].ms,
      },
      goals: {
        accept_to_first_message_p50_ms: goal(pct(0.5), '<=', 50),
        accept_to_first_message_p99_ms: goal(pct(0.99), '<=', 200),
      },
      median_run_steps_ms: steps.map(([what, at]) => ({ what, at })),
    });
  } finally {
    await stack.stop();
    integrator.close();
  }
}

/** The history events of a run from the accept to the first message, as offsets from the accept. */
async function stepsAfterAccept(address: string, workflowId: string, acceptedAt: number, firstAt: number) {
  const connection = await Connection.connect({ address });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    const steps: Array<[string, number]> = [];
    const types = new Map<string, string>();
    for (const event of history.events ?? []) {
      const at = Number(event.eventTime!.seconds) * 1000 + Math.floor((event.eventTime!.nanos ?? 0) / 1e6);
      const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (scheduled) types.set(String(event.eventId), scheduled);
      if (at < acceptedAt - 5 || at > firstAt + 50) continue;
      const kind = String(temporal.api.enums.v1.EventType[event.eventType!])
        .replace(/^EVENT_TYPE_/, '')
        .toLowerCase();
      const activity =
        scheduled ??
        types.get(String(event.activityTaskStartedEventAttributes?.scheduledEventId ?? '')) ??
        types.get(String(event.activityTaskCompletedEventAttributes?.scheduledEventId ?? '')) ??
        event.markerRecordedEventAttributes?.markerName;
      steps.push([`${kind}${activity ? ` ${activity}` : ''}`, at - acceptedAt]);
    }
    steps.push(['first message at the ESP', firstAt - acceptedAt]);
    return steps;
  } finally {
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
