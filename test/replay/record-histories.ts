/**
 * Records the histories that sendout.replay.spec.ts replays: one representative sendout down each
 * path of the workflow, run by real workers from dist/ on the suite's Temporal dev server and
 * MariaDB (the global setup starts both). Not a test of the suite: `npm run record-histories` runs
 * it with its own Jest configuration and rewrites test/replay/histories/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { FeedbackReceiver } from '../feedback-receiver';
import { createFeedbackWebhook } from '../feedback-scenario';
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, seedSendout, startSendingStack, waitForContinueAsNew, waitForStage } from '../scenario';
import { scheduleUpdate } from '../../workflows/sendout.messages';
import { waitFor } from '../wait';
import { writeHistories } from './histories';

type EventKind = Extract<keyof NonNullable<History['events']>[number], `${string}EventAttributes`>;

/** What a recording must show to be the path it is named after. */
interface Expected {
  runs: 'one' | 'several';
  contains?: EventKind[];
  endsWith: EventKind;
}

const MAX_RUNS = 20;

async function startSendout({ stack, esp }: SendingStack, name: string, contacts: number, extra: Record<string, unknown> = {}) {
  const seed = await seedSendout(stack, { contacts, espUrl: esp.url });
  const sendout = await expectStatus(
    stack.request('POST', '/v1/sendouts', {
      projectId: seed.projectId,
      name,
      segmentId: seed.segmentId,
      integrationId: seed.integrationId,
      content: { subject: 'x' },
      ...extra,
    }),
    202,
  );
  return { ...sendout, seed } as { id: string; workflowId: string; seed: typeof seed };
}

/** Waits until the sendout's last run has closed, then writes every run of it. */
async function record(stack: TestStack, workflowId: string, name: string, expected: Expected): Promise<void> {
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
async function fetchRuns(client: Client, workflowId: string): Promise<History[]> {
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

async function post(uri: string): Promise<number> {
  return (await fetch(uri, { method: 'POST' })).status;
}

/** Rejects the first contact of a gated batch through its cancelUri. */
async function rejectFirstItem(itemDownloadUri: string): Promise<void> {
  const [first] = (await (await fetch(itemDownloadUri)).text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(await post(first.cancelUri)).toBe(200);
}

describe('recording sendout histories', () => {
  describe('with the default tuning', () => {
    let gated: GatedStack;
    let stack: TestStack;

    beforeAll(async () => {
      gated = await startGatedStack();
      stack = gated.stack;
    });

    afterAll(async () => {
      await gated?.stop();
    });

    it('records a plain sendout', async () => {
      const sendout = await startSendout(gated, 'plain', 3);
      await record(stack, sendout.workflowId, 'plain', { runs: 'one', endsWith: 'workflowExecutionCompletedEventAttributes' });
    });

    it('records a gated sendout with one contact rejected, then accepted', async () => {
      const sendout = await startSendout(gated, 'gate accepted', 4, { gate: { enabled: true, timeout: '1h', split: true } });
      const hook = await webhookFor(gated.integrator, sendout.id);
      await rejectFirstItem(hook.itemDownloadUri);
      expect(await post(hook.finishUri)).toBe(200);
      await record(stack, sendout.workflowId, 'gate-accepted', {
        runs: 'one',
        contains: ['markerRecordedEventAttributes', 'workflowExecutionSignaledEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
    });

    it('records a gated sendout accepted under quick-accept: its release beside the first pages', async () => {
      const sendout = await startSendout(gated, 'gate accepted quickly', 6, { gate: { enabled: true, timeout: '1h', split: true } });
      const hook = await webhookFor(gated.integrator, sendout.id);
      await rejectFirstItem(hook.itemDownloadUri);
      expect(await post(hook.finishUri)).toBe(200);
      await record(stack, sendout.workflowId, 'gate-accepted-quick', {
        runs: 'one',
        contains: ['markerRecordedEventAttributes', 'workflowExecutionSignaledEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
      const { events } = JSON.parse(readFileSync(join(__dirname, 'histories/gate-accepted-quick.json'), 'utf8'));
      const patches = events
        .flatMap((e: any) => e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? [])
        .map((p: { data: string }) => JSON.parse(Buffer.from(p.data, 'base64').toString()).id);
      expect(patches).toContain('quick-accept');
      expect(events.map((e: any) => e.activityTaskScheduledEventAttributes?.activityType?.name)).toContain('releaseAcceptedGate');
    });

    it('records a gated sendout in which everyone is excluded: completed without opening its gate', async () => {
      const seed = await seedSendout(stack, { contacts: 1, espUrl: gated.esp.url });
      const listed = [`${seed.tag}-no-email-1`, `${seed.tag}-no-email-2`];
      await expectStatus(stack.request('POST', '/v1/contacts/batch', { contacts: listed.map((externalId) => ({ externalId })) }), 200);
      const sendout = await expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: seed.projectId,
          name: 'everyone excluded',
          contactIds: listed,
          integrationId: seed.integrationId,
          content: { subject: 'x' },
          gate: { enabled: true, timeout: '1h' },
        }),
        202,
      );
      await record(stack, sendout.workflowId, 'gate-all-excluded', {
        runs: 'one',
        contains: ['markerRecordedEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
      expect((await waitForStage(stack, sendout.id, 'COMPLETED')).counts).toMatchObject({ EXCLUDED: 2, GATED: 0 });
    });

    it('records a gate that times out with split on', async () => {
      const sendout = await startSendout(gated, 'gate timed out', 4, { gate: { enabled: true, timeout: '3s', split: true } });
      await rejectFirstItem((await webhookFor(gated.integrator, sendout.id)).itemDownloadUri);
      await record(stack, sendout.workflowId, 'gate-timed-out-split', {
        runs: 'one',
        contains: ['timerFiredEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
      expect((await waitForStage(stack, sendout.id, 'COMPLETED')).paths).toEqual({ accepted: 0, rejected: 1, timedOut: 3 });
    });

    it('records a sendout scheduled a few seconds ahead', async () => {
      const sendAt = new Date(Date.now() + 5_000).toISOString();
      const sendout = await startSendout(gated, 'scheduled', 3, { sendAt });
      await record(stack, sendout.workflowId, 'scheduled', {
        runs: 'one',
        contains: ['timerFiredEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
    });

    it('records a scheduled sendout paused, then resumed', async () => {
      const sendAt = Date.now() + 3_000;
      const sendout = await startSendout(gated, 'scheduled paused', 3, { sendAt: new Date(sendAt).toISOString() });
      const { client, close } = await stack.temporalClient();
      try {
        const handle = client.workflow.getHandle(sendout.workflowId);
        expect(await handle.executeUpdate(scheduleUpdate, { args: [{ paused: true }] })).toMatchObject({ paused: true });
        await waitForStage(stack, sendout.id, 'SCHEDULED');
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, sendAt + 2_000 - Date.now())));
        expect((await waitForStage(stack, sendout.id, 'SCHEDULED')).counts.SENT).toBe(0);
        expect(await handle.executeUpdate(scheduleUpdate, { args: [{ paused: false }] })).toMatchObject({ paused: false });
      } finally {
        await close();
      }
      await record(stack, sendout.workflowId, 'scheduled-paused-resumed', {
        runs: 'one',
        contains: [
          'markerRecordedEventAttributes',
          'workflowExecutionUpdateAcceptedEventAttributes',
          'workflowExecutionUpdateCompletedEventAttributes',
        ],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
    });

    describe('with feedback on', () => {
      let receiver: FeedbackReceiver;
      let feedback: { webhookIds: string[] };

      beforeAll(async () => {
        receiver = await new FeedbackReceiver('replay-feedback-secret-of-at-least-32-characters').start();
        feedback = { webhookIds: [await createFeedbackWebhook(stack, receiver)] };
      });

      afterAll(async () => {
        await receiver?.stop();
      });

      it('records a sendout whose fan-out step delivers its sent events', async () => {
        const sendout = await startSendout(gated, 'feedback', 3, { feedback });
        await record(stack, sendout.workflowId, 'feedback-fanout', {
          runs: 'one',
          contains: ['markerRecordedEventAttributes'],
          endsWith: 'workflowExecutionCompletedEventAttributes',
        });
        expect(receiver.accepted).toHaveLength(3);
      });

      it('records a sendout that delivers its feedback while sending: a follower beside the pages, then the fan-out step', async () => {
        const sendout = await startSendout(gated, 'feedback while sending', 3, { feedback });
        await record(stack, sendout.workflowId, 'feedback-while-sending', {
          runs: 'one',
          contains: ['markerRecordedEventAttributes', 'activityTaskCancelRequestedEventAttributes'],
          endsWith: 'workflowExecutionCompletedEventAttributes',
        });
        expect(receiver.accepted.filter((e) => e.body.messageExecution.campaignID === sendout.id)).toHaveLength(3);
        const { events } = JSON.parse(readFileSync(join(__dirname, 'histories/feedback-while-sending.json'), 'utf8'));
        const patches = events
          .flatMap((e: any) => e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? [])
          .map((p: { data: string }) => JSON.parse(Buffer.from(p.data, 'base64').toString()).id);
        expect(patches).toEqual(expect.arrayContaining(['feedback-while-sending', 'feedback-fanout']));
        const scheduled = events.map((e: any) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
        // the follower, then the fan-out step after the pages
        expect(scheduled.filter((name: string) => name === 'deliverSendoutFeedback')).toHaveLength(2);
      });

      it('records a gate that times out with feedback on: exclude events before completion', async () => {
        const sendout = await startSendout(gated, 'feedback gate timed out', 3, { feedback, gate: { enabled: true, timeout: '3s' } });
        await record(stack, sendout.workflowId, 'feedback-gate-timed-out', {
          runs: 'one',
          contains: ['markerRecordedEventAttributes', 'timerFiredEventAttributes'],
          endsWith: 'workflowExecutionCompletedEventAttributes',
        });
      });
    });

    it('records a sendout cancelled at the gate', async () => {
      const sendout = await startSendout(gated, 'cancelled at gate', 3, { gate: { enabled: true, timeout: '1h' } });
      await webhookFor(gated.integrator, sendout.id);
      await expectStatus(stack.request('POST', `/v1/sendouts/${sendout.id}/cancel`), 202);
      await record(stack, sendout.workflowId, 'gate-cancelled', {
        runs: 'one',
        contains: ['workflowExecutionCancelRequestedEventAttributes'],
        endsWith: 'workflowExecutionCanceledEventAttributes',
      });
    });
  });

  describe('when the send phase outgrows a run', () => {
    let sending: SendingStack;

    beforeAll(async () => {
      // One message a page: the first plan's 50 pages pass 100 events; the next run sends the 51st.
      sending = await startSendingStack({ env: { SENDOUT_SEND_PAGE_SIZE: '1', SENDOUT_CONTINUE_AS_NEW_AFTER_EVENTS: '100' } });
    });

    afterAll(async () => {
      await sending?.stop();
    });

    it('records every run of a sendout that continues as new while sending', async () => {
      const sendout = await startSendout(sending, 'send continued as new', 51);
      await record(sending.stack, sendout.workflowId, 'send-continued-as-new', {
        runs: 'several',
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
    });
  });

  describe('with the gate decision re-read every second', () => {
    let gated: GatedStack;
    let stack: TestStack;

    beforeAll(async () => {
      gated = await startGatedStack({
        worker: false,
        env: { SENDOUT_GATE_REREAD_MS: '1000', SENDOUT_CONTINUE_AS_NEW_AFTER_EVENTS: '100' },
      });
      stack = gated.stack;
    });

    afterAll(async () => {
      await gated?.stop();
    });

    it('records a sendout that fails for good (its segment deleted before generation)', async () => {
      const sendout = await startSendout(gated, 'failed', 3);
      await stack.dataSource.query('DELETE FROM segments WHERE id = ?', [sendout.seed.segmentId]);
      await stack.startWorker();
      await record(stack, sendout.workflowId, 'failed', { runs: 'one', endsWith: 'workflowExecutionFailedEventAttributes' });
    });

    it('records every run of a sendout that continues as new while waiting at its gate', async () => {
      const sendout = await startSendout(gated, 'gate continued as new', 3, { gate: { enabled: true, timeout: '1h' } });
      const hook = await webhookFor(gated.integrator, sendout.id);
      await waitForContinueAsNew(stack, sendout.workflowId);
      expect(await post(hook.finishUri)).toBe(200);
      await record(stack, sendout.workflowId, 'gate-continued-as-new', {
        runs: 'several',
        contains: ['markerRecordedEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
    });
  });

  describe('journey runs and campaign executions', () => {
    let gated: GatedStack;
    let stack: TestStack;

    beforeAll(async () => {
      gated = await startGatedStack();
      stack = gated.stack;
    });

    afterAll(async () => {
      await gated?.stop();
    });

    /** A journey over a fresh segment; answers its id and the run's workflow id once the run started. */
    async function startJourneyRun(name: string, contacts: number, steps: (integrationId: string) => unknown[]) {
      const seed = await seedSendout(stack, { contacts, espUrl: gated.esp.url });
      const journey = await expectStatus(
        stack.request('POST', '/v1/journeys', { projectId: seed.projectId, name, entryStepId: 'first', steps: steps(seed.integrationId) }),
        201,
      );
      const run = await expectStatus(stack.request('POST', `/v1/journeys/${journey.id}/runs`, { segmentId: seed.segmentId }), 202);
      return { journeyId: journey.id as string, workflowId: run.workflowId as string };
    }

    async function stepSendoutId(journeyId: string, stepId: string): Promise<string> {
      let id: string | undefined;
      await waitFor(`the sendout of step ${stepId}`, 60_000, async () => {
        const run = await expectStatus(stack.request('GET', `/v1/journeys/${journeyId}/runs/1`), 200);
        id = run.steps.find((s: { id: string }) => s.id === stepId)?.sendouts?.[0]?.id;
        return id !== undefined;
      });
      return id!;
    }

    it('records a run: a gated message, its rejected path messaged, its accepted path after a wait and a branch', async () => {
      const { journeyId, workflowId } = await startJourneyRun('journey run', 4, (integrationId) => [
        {
          id: 'first',
          type: 'message',
          integrationId,
          content: { subject: 'first' },
          gate: { enabled: true, timeout: '1h', split: true },
          next: { accepted: 'pause', rejected: 'sorry' },
        },
        { id: 'sorry', type: 'message', integrationId, content: { subject: 'sorry' } },
        { id: 'pause', type: 'wait', duration: '2s', next: 'low' },
        {
          id: 'low',
          type: 'branch',
          filter: { all: [{ attribute: 'score', op: 'lt', value: 2 }] },
          next: { match: 'third', otherwise: 'done' },
        },
        { id: 'third', type: 'message', integrationId, content: { subject: 'third' } },
        { id: 'done', type: 'end' },
      ]);
      const hook = await webhookFor(gated.integrator, await stepSendoutId(journeyId, 'first'));
      await rejectFirstItem(hook.itemDownloadUri);
      expect(await post(hook.finishUri)).toBe(200);
      await record(stack, workflowId, 'journey-run', {
        runs: 'one',
        contains: ['startChildWorkflowExecutionInitiatedEventAttributes', 'timerFiredEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
    });

    it('records a run cancelled while it waits', async () => {
      const { journeyId, workflowId } = await startJourneyRun('journey run cancelled', 2, (integrationId) => [
        { id: 'first', type: 'message', integrationId, content: { subject: 'first' }, next: { sent: 'pause' } },
        { id: 'pause', type: 'wait', duration: '1h', next: 'second' },
        { id: 'second', type: 'message', integrationId, content: { subject: 'second' } },
      ]);
      await waitFor('the run to wait', 60_000, async () => {
        const run = await expectStatus(stack.request('GET', `/v1/journeys/${journeyId}/runs/1`), 200);
        return run.steps.find((s: { id: string }) => s.id === 'pause').status === 'waiting';
      });
      await expectStatus(stack.request('POST', `/v1/journeys/${journeyId}/runs/1/cancel`), 202);
      await record(stack, workflowId, 'journey-run-cancelled', {
        runs: 'one',
        contains: ['workflowExecutionCancelRequestedEventAttributes'],
        endsWith: 'workflowExecutionCanceledEventAttributes',
      });
    });

    it('records a campaign execution: a triggered step whose gated sendout is accepted', async () => {
      const seed = await seedSendout(stack, { contacts: 3, espUrl: gated.esp.url });
      const campaign = await expectStatus(
        stack.request('POST', '/v1/campaigns', {
          projectId: seed.projectId,
          name: 'campaign execution',
          segmentId: seed.segmentId,
          steps: [
            {
              id: 'main',
              integrationId: seed.integrationId,
              content: { subject: 'weekly' },
              gate: { enabled: true, split: true },
              schedule: { every: '30d' },
            },
          ],
        }),
        201,
      );
      await expectStatus(stack.request('POST', `/v1/campaigns/${campaign.id}/steps/main/trigger`), 202);
      let sendoutId: string | undefined;
      await waitFor('the execution', 60_000, async () => {
        const page = await expectStatus(stack.request('GET', `/v1/campaigns/${campaign.id}/executions`), 200);
        sendoutId = page.items[0]?.sendoutId;
        return sendoutId !== undefined;
      });
      const hook = await webhookFor(gated.integrator, sendoutId!);
      await rejectFirstItem(hook.itemDownloadUri);
      expect(await post(hook.finishUri)).toBe(200);
      const { client, close } = await stack.temporalClient();
      try {
        const parent = (await client.workflow.getHandle(`sendout-${sendoutId}`).describe()).parentExecution?.workflowId;
        expect(parent).toMatch(new RegExp(`^campaign-${campaign.id}-step-main-`));
        await record(stack, parent!, 'campaign-execution', {
          runs: 'one',
          contains: ['startChildWorkflowExecutionInitiatedEventAttributes', 'childWorkflowExecutionCompletedEventAttributes'],
          endsWith: 'workflowExecutionCompletedEventAttributes',
        });
      } finally {
        await expectStatus(stack.request('DELETE', `/v1/campaigns/${campaign.id}`), 204);
        await close();
      }
    });
  });
});
