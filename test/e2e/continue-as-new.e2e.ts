import { randomUUID } from 'node:crypto';
import { EspReceiver } from '../esp-receiver';
import { TestStack } from '../harness';
import { FeedbackReceiver } from '../feedback-receiver';
import { createFeedbackWebhook } from '../feedback-scenario';
import { SendingStack, expectStatus, openActivities, seedSendout, waitForStage, startSendingStack } from '../scenario';
import { waitFor } from '../wait';

describe('a sendout whose history grows long', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let esp: EspReceiver;

  beforeAll(async () => {
    ({ stack, esp } = sending = await startSendingStack({
      env: { SENDOUT_SEND_PAGE_SIZE: '10', SENDOUT_CONTINUE_AS_NEW_AFTER_EVENTS: '100' },
    }));
  });

  afterAll(async () => {
    await sending?.stop();
  });

  it('continues as new and still sends every message exactly once, with its counts carried over', async () => {
    const seed = await seedSendout(stack, { contacts: 1_000, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'long history',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'x' },
      }),
      202,
    );

    const done = await waitForStage(stack, sendout.id, 'COMPLETED', 120_000);

    expect(done.counts.SENT).toBe(1_000);
    expect(new Set(esp.requests.filter((r) => r.key.startsWith(`${sendout.id}:`)).map((r) => r.key)).size).toBe(1_000);
    const temporal = await stack.temporalClient();
    try {
      const statuses: string[] = [];
      await waitFor('every run in the visibility store', 30_000, async () => {
        statuses.length = 0;
        for await (const run of temporal.client.workflow.list({ query: `WorkflowId = "${sendout.workflowId}"` }))
          statuses.push(run.status.name);
        return statuses.includes('COMPLETED');
      });
      expect(statuses.filter((s) => s === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(1);
      const progress = await temporal.client.workflow.getHandle(sendout.workflowId).query('progress');
      expect(progress).toMatchObject({ stage: 'COMPLETED', generated: 1_000, sent: 1_000, failed: 0 });
    } finally {
      await temporal.close();
    }
  });

  it('with feedback on: each run follows its pages with feedback, and every sent event is delivered once by completion', async () => {
    const receiver = await new FeedbackReceiver(`hs256-secret-${randomUUID()}`).start();
    try {
      const seed = await seedSendout(stack, { contacts: 1_000, espUrl: esp.url });
      const sendout = await expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: seed.projectId,
          name: 'long history with feedback',
          segmentId: seed.segmentId,
          integrationId: seed.integrationId,
          content: { subject: 'x' },
          feedback: { webhookIds: [await createFeedbackWebhook(stack, receiver)] },
        }),
        202,
      );

      const done = await waitForStage(stack, sendout.id, 'COMPLETED', 120_000);

      expect(done.counts.SENT).toBe(1_000);
      const events = receiver.accepted.filter((e) => e.body.messageExecution.campaignID === sendout.id);
      expect(events).toHaveLength(1_000);
      expect(new Set(events.map((e) => e.body.messageExecution.messageExecutionID)).size).toBe(1_000);
      expect(await openActivities(stack, sendout.workflowId)).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });
});
