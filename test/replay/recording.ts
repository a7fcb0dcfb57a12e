/**
 * What the history recorders share: writing every run of a workflow once it has
 * closed (checking it took the path it is named after), and the integrator's reject and accept.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { TestStack } from '../harness';
import { writeHistories } from './histories';

export type EventKind = Extract<keyof NonNullable<History['events']>[number], `${string}EventAttributes`>;

/** What a recording must show to be the path it is named after. */
export interface Expected {
  runs: 'one' | 'several';
  contains?: EventKind[];
  endsWith: EventKind;
}

const MAX_RUNS = 20;

/** Waits until the sendout's last run has closed, then writes every run of it. */
export async function record(stack: TestStack, workflowId: string, name: string, expected: Expected): Promise<void> {
  const { client, close } = await stack.temporalClient();
  try {
    await client.workflow
      .getHandle(workflowId)
      .result()
      .catch(() => undefined); // follows continue-as-new to the last run
    const runs = await fetchRuns(client, workflowId);
    const events = (run: History) => run.events ?? [];
    expect(runs.length > 1 ? 'several' : 'one').toBe(expected.runs);
    for (const kind of expected.contains ?? []) expect(runs.some((run) => events(run).some((e) => e[kind]))).toBe(true);
    expect(events(runs.at(-1)!).at(-1)?.[expected.endsWith]).toBeTruthy();
    writeHistories(name, runs);
  } finally {
    await close();
  }
}

/** Every run of a workflow id, first to last, following the continue-as-new chain. */
export async function fetchRuns(client: Client, workflowId: string): Promise<History[]> {
  const latest = await client.workflow.getHandle(workflowId).fetchHistory();
  let runId = latest.events?.[0]?.workflowExecutionStartedEventAttributes?.firstExecutionRunId ?? undefined;
  const runs: History[] = [];
  while (runId && runs.length < MAX_RUNS) {
    const run = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.push(run);
    runId = run.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

export async function post(uri: string): Promise<number> {
  return (await fetch(uri, { method: 'POST' })).status;
}

/** Rejects the first contact of a gated batch through its cancelUri. */
export async function rejectFirstItem(itemDownloadUri: string): Promise<void> {
  const [first] = (await (await fetch(itemDownloadUri)).text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(await post(first.cancelUri)).toBe(200);
}

/** A history just written under test/replay/histories/: its events, the patches its markers record, the activities it scheduled. */
export function recorded(name: string): { events: any[]; patches: string[]; scheduled: string[] } {
  const { events } = JSON.parse(readFileSync(join(__dirname, `histories/${name}.json`), 'utf8')) as { events: any[] };
  return {
    events,
    patches: events
      .flatMap((e) => e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? [])
      .map((p: { data: string }) => JSON.parse(Buffer.from(p.data, 'base64').toString()).id),
    scheduled: events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []),
  };
}
