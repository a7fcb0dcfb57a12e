import { randomUUID } from 'node:crypto';
import { EspReceiver, answerAfter } from '../esp-receiver';
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack } from '../harness';
import { FeedbackReceiver } from '../feedback-receiver';
import { createFeedbackWebhook } from '../feedback-scenario';
import { expectStatus, openActivities, seedSendout, waitForStage } from '../scenario';
import { waitFor } from '../wait';

describe('when an operator cancels a sendout', () => {
  let gated: GatedStack;
  let stack: TestStack;
  let esp: EspReceiver;

  beforeAll(async () => {
    gated = await startGatedStack({ env: { SENDOUT_SEND_CONCURRENCY: '4', SENDOUT_SEND_WINDOW: '1', SENDOUT_SEND_PAGE_SIZE: '50' } });
    ({ stack, esp } = gated);
  });

  afterAll(async () => {
    await gated?.stop();
  });

  it('at the gate: the gate closes, every message is CANCELED and a late accept is refused', async () => {
    const seed = await seedSendout(stack, { contacts: 20, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'cancel at gate',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'x' },
        gate: { enabled: true, timeout: '5m' },
      }),
      202,
    );
    const hook = await webhookFor(gated.integrator, sendout.id);

    await expectStatus(stack.request('POST', `/v1/sendouts/${sendout.id}/cancel`), 202);
    const done = await waitForStage(stack, sendout.id, 'CANCELED');

    expect(done.counts).toMatchObject({ CANCELED: 20, SENT: 0 });
    expect(done.gate.state).toBe('CANCELED');
    const late = await fetch(hook.finishUri, { method: 'POST' });
    expect(late.status).toBe(409);
    expect(((await late.json()) as any).state).toBe('CANCELED');
    expect((await stack.request('POST', `/v1/sendouts/${sendout.id}/cancel`)).status).toBe(409);
  });

  it('while sending: nothing further is sent and every message ends SENT or CANCELED', async () => {
    esp.respond = answerAfter(20);
    const seed = await seedSendout(stack, { contacts: 1_000, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'cancel while sending',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'x' },
      }),
      202,
    );
    const keysOf = () => esp.requests.filter((r) => r.key.startsWith(`${sendout.id}:`));
    await waitFor('the first sends', 30_000, () => keysOf().length >= 50);

    await expectStatus(stack.request('POST', `/v1/sendouts/${sendout.id}/cancel`), 202);
    const done = await waitForStage(stack, sendout.id, 'CANCELED');

    expect(done.counts.SENT + done.counts.CANCELED).toBe(1_000);
    expect(done.counts.SENDING).toBe(0);
    expect(done.counts.CANCELED).toBeGreaterThan(0);
    expect(new Set(keysOf().map((r) => r.key)).size).toBe(done.counts.SENT);
  });

  it('while sending with feedback on: the feedback follower stops with it, nothing is left running or delivered twice', async () => {
    const receiver = await new FeedbackReceiver(`hs256-secret-${randomUUID()}`).start();
    try {
      esp.respond = answerAfter(20);
      const seed = await seedSendout(stack, { contacts: 1_000, espUrl: esp.url });
      const sendout = await expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: seed.projectId,
          name: 'cancel while sending with feedback',
          segmentId: seed.segmentId,
          integrationId: seed.integrationId,
          content: { subject: 'x' },
          feedback: { webhookIds: [await createFeedbackWebhook(stack, receiver)] },
        }),
        202,
      );
      const events = () => receiver.accepted.filter((e) => e.body.messageExecution.campaignID === sendout.id);
      // sent events arrive while the sendout is still sending
      await waitFor('the first sent events', 30_000, () => events().length >= 10);

      await expectStatus(stack.request('POST', `/v1/sendouts/${sendout.id}/cancel`), 202);
      const done = await waitForStage(stack, sendout.id, 'CANCELED');

      expect(done.counts.SENT + done.counts.CANCELED).toBe(1_000);
      expect(done.counts.CANCELED).toBeGreaterThan(0);
      const handle = await stack.temporalClient();
      try {
        await waitFor(
          'the run closed',
          30_000,
          async () => (await handle.client.workflow.getHandle(sendout.workflowId).describe()).status.name === 'CANCELLED',
        );
      } finally {
        await handle.close();
      }
      expect(await openActivities(stack, sendout.workflowId)).toEqual([]);
      expect(events().every((e) => e.body.messageDeliveryFeedback.feedbackStatus.value === 'sent')).toBe(true);
      expect(receiver.requestIds().size).toBe(receiver.accepted.length);
    } finally {
      await receiver.stop();
    }
  });
});
