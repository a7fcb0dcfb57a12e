import { EspReceiver } from '../esp-receiver';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, seedSendout, waitForStage, startSendingStack } from '../scenario';
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
});
