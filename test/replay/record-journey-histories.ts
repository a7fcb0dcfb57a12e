/**
 * Records the journey run and campaign execution histories that sendout.replay.spec.ts replays, as
 * record-histories.ts does the sendout's (`npm run record-histories` runs both).
 */
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack } from '../harness';
import { expectStatus, seedSendout } from '../scenario';
import { waitFor } from '../wait';
import { post, record, rejectFirstItem } from './recording';

describe('recording journey and campaign histories', () => {
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
