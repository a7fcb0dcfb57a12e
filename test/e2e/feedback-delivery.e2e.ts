import { randomUUID } from 'node:crypto';
import { recordFeedback } from '../../libs/database/src/repositories/feedback-outbox';
import { Sql } from '../../libs/database/src/sql';
import { FeedbackEvent } from '../../libs/domain/src/feedback';
import { MessageState } from '../../libs/domain/src/states';
import { EspReceiver } from '../esp-receiver';
import { FeedbackReceiver } from '../feedback-receiver';
import { createFeedbackWebhook } from '../feedback-scenario';
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack } from '../harness';
import { expectStatus, seedSendout, waitForStage } from '../scenario';
import { waitFor } from '../wait';
import { feedbackDispatcherWorkflowId } from '../../workflows/feedback-dispatcher.messages';

const FEEDBACK_ENV = {
  SENDGATE_FEEDBACK_BACKOFF_INITIAL_MS: '200',
  SENDGATE_FEEDBACK_BACKOFF_MAX_MS: '1000',
  SENDGATE_FEEDBACK_POLL_IDLE_MS: '200',
  SENDGATE_FEEDBACK_LEASE_MS: '5000',
  SENDGATE_FEEDBACK_DISPATCHER_RUN_MS: '10000',
  SENDGATE_FEEDBACK_RECEIVER_CONCURRENCY: '4',
};

describe('feedback webhooks', () => {
  let gated: GatedStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let integrator: EspReceiver;
  let receiver: FeedbackReceiver;
  let webhookId: string;

  beforeAll(async () => {
    gated = await startGatedStack({ env: FEEDBACK_ENV });
    ({ stack, esp, integrator } = gated);
    receiver = await new FeedbackReceiver(`hs256-secret-${randomUUID()}`).start();
    webhookId = await createFeedbackWebhook(stack, receiver);
  });

  afterAll(async () => {
    await gated?.stop();
    await receiver?.stop();
  });

  beforeEach(() => {
    receiver.mode = 'up';
    receiver.delayMs = 0;
    receiver.downHits = 0;
    esp.respond = () => ({ status: 200 });
  });

  async function createSendout(seed: Awaited<ReturnType<typeof seedSendout>>, extra: Record<string, unknown> = {}) {
    return expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: `feedback ${seed.tag}`,
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'Hi {{ contact.firstName }}' },
        feedback: { webhookIds: [webhookId] },
        ...extra,
      }),
      202,
    );
  }

  /** The accepted events of a sendout, one per requestId (redeliveries collapsed, and checked identical). */
  function eventsOf(sendoutId: string) {
    const byRequest = new Map<string, any>();
    for (const event of receiver.accepted.filter((e) => e.body.messageExecution.campaignID === sendoutId)) {
      const earlier = byRequest.get(event.requestId);
      if (earlier) expect(event.body).toEqual(earlier); // a duplicate carries the same requestId and body
      byRequest.set(event.requestId, event.body);
    }
    return [...byRequest.values()];
  }

  async function waitForEvents(sendoutId: string, count: number, timeoutMs = 45_000) {
    await waitFor(`${count} feedback events of ${sendoutId}`, timeoutMs, () => eventsOf(sendoutId).length >= count, 250);
    return eventsOf(sendoutId);
  }

  it('delivers every sent event once the receiver is back after being down, none lost', async () => {
    const seed = await seedSendout(stack, { contacts: 30, espUrl: esp.url });
    receiver.mode = 'unavailable';
    const sendout = await createSendout(seed);

    const done = await waitForStage(stack, sendout.id, 'COMPLETED');
    expect(done.counts).toMatchObject({ SENT: 30, DELIVERED: 0, BOUNCED: 0 });
    expect(done.feedback).toEqual({ webhookIds: [webhookId] });
    await waitFor('attempts while the receiver is down', 20_000, () => receiver.downHits > 0);
    receiver.mode = 'closing';
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    receiver.mode = 'up';

    const events = await waitForEvents(sendout.id, 30);
    expect(events).toHaveLength(30);
    expect(new Set(events.map((e) => e.messageExecution.messageExecutionID)).size).toBe(30);
    expect(receiver.refused).toEqual([]);
    expect(events[0]).toEqual({
      requestId: expect.stringMatching(/^[0-9a-f]{32}$/),
      imsOrg: stack.accountId,
      sandbox: { id: seed.projectId, name: `project ${seed.tag}` },
      channel: 'email',
      eventType: 'message.feedback',
      messageExecution: {
        messageExecutionID: expect.stringMatching(/^\d+$/),
        messageType: 'marketing',
        campaignID: sendout.id,
        campaignVersionID: sendout.id,
      },
      messageDeliveryFeedback: {
        feedbackStatus: { value: 'sent' },
        offers: null,
        messageExclusion: null,
        messageFailure: null,
        retryCount: 0,
      },
      identityMap: { email: [{ id: expect.stringMatching(/^user\d+@example\.com$/), primary: true }] },
    });
    await waitFor('every delivery settled', 10_000, async () => {
      const rows = await stack.dataSource.query(
        'SELECT state, COUNT(*) AS n FROM feedback_deliveries WHERE sendout_id = ? GROUP BY state',
        [sendout.id],
      );
      return rows.length === 1 && rows[0].state === 'DELIVERED' && Number(rows[0].n) === 30;
    });
  });

  it('reports failed sends as error events, and a later delivered event never before its sent event', async () => {
    const seed = await seedSendout(stack, { contacts: 6, espUrl: esp.url });
    esp.respond = (req) =>
      JSON.parse(req.body).to === 'user0@example.com' ? { status: 400, body: { error: 'mailbox invalid' } } : { status: 200 };
    const sendout = await createSendout(seed);
    await waitForStage(stack, sendout.id, 'COMPLETED');
    const events = await waitForEvents(sendout.id, 6);

    const errors = events.filter((e) => e.messageDeliveryFeedback.feedbackStatus.value === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].identityMap.email[0].id).toBe('user0@example.com');
    expect(errors[0].messageDeliveryFeedback.messageFailure).toMatchObject({ category: 'sync', type: 'Error' });
    expect(errors[0].messageDeliveryFeedback.messageFailure.reason).toMatch(/400/);

    // a later status change (as an ESP callback makes it) queued while the sent event is still pending
    const [sent] = events.filter((e) => e.messageDeliveryFeedback.feedbackStatus.value === 'sent');
    const messageId = Number(sent.messageExecution.messageExecutionID);
    receiver.mode = 'unavailable';
    const sql = new Sql(stack.dataSource);
    await sql.run("UPDATE feedback_deliveries SET state = 'PENDING', attempts = 0, next_attempt_at = created_at WHERE message_id = ?", [
      messageId,
    ]);
    await sql.transaction(async (tx) => {
      await tx.run('UPDATE messages SET state = ? WHERE id = ?', [MessageState.DELIVERED, messageId]);
      await recordFeedback(tx, FeedbackEvent.DELIVERED, { messageIds: [messageId] });
    });
    await waitFor('attempts while the receiver is down', 20_000, () => receiver.downHits > 0);
    receiver.mode = 'up';

    await waitFor('the delivered event', 30_000, () => receiver.eventsOf(messageId).includes('delivered'));
    expect(receiver.eventsOf(messageId).filter((e, i, all) => all.indexOf(e) === i)).toEqual(['sent', 'delivered']);
    const order = receiver.accepted
      .filter((e) => e.body.messageExecution.messageExecutionID === String(messageId))
      .map((e) => e.body.messageDeliveryFeedback.feedbackStatus.value);
    expect(order.lastIndexOf('sent')).toBeLessThan(order.indexOf('delivered'));
  });

  it('reports gate rejects and timeouts as exclude events with the reason, accepted ones as sent', async () => {
    const seed = await seedSendout(stack, { contacts: 3, espUrl: esp.url });
    const accepted = await createSendout(seed, {
      kind: 'single',
      segmentId: undefined,
      contactIds: [`${seed.tag}-0`, `${seed.tag}-1`, `${seed.tag}-2`],
      gate: { enabled: true, timeout: '1m' },
    });
    const hook = await webhookFor(integrator, accepted.id);
    expect((await post(hook.items[1].rejectUri, { reason: 'no consent' })).status).toBe(200);
    expect((await post(hook.finishUri)).status).toBe(200);

    const timedOut = await createSendout(seed, { gate: { enabled: true, timeout: '3s' } });
    await waitForStage(stack, accepted.id, 'COMPLETED');
    await waitForStage(stack, timedOut.id, 'COMPLETED');

    const acceptedEvents = await waitForEvents(accepted.id, 3);
    const byContact = Object.fromEntries(acceptedEvents.map((e) => [e.identityMap.email[0].id, e.messageDeliveryFeedback]));
    expect(byContact['user0@example.com'].feedbackStatus.value).toBe('sent');
    expect(byContact['user2@example.com'].feedbackStatus.value).toBe('sent');
    expect(byContact['user1@example.com']).toMatchObject({
      feedbackStatus: { value: 'exclude' },
      messageExclusion: { reason: 'rejected at the send gate: no consent' },
    });

    const timedOutEvents = await waitForEvents(timedOut.id, 3);
    for (const event of timedOutEvents) {
      expect(event.messageDeliveryFeedback).toMatchObject({
        feedbackStatus: { value: 'exclude' },
        messageExclusion: { reason: 'no answer from the send gate before its deadline' },
      });
    }
  });

  it('refuses a webhook id that is not the account’s, naming it', async () => {
    const seed = await seedSendout(stack, { contacts: 1, espUrl: esp.url });
    const refused = await stack.request('POST', '/v1/sendouts', {
      projectId: seed.projectId,
      name: 'unknown webhook',
      segmentId: seed.segmentId,
      integrationId: seed.integrationId,
      content: { subject: 'Hi' },
      feedback: { webhookIds: [webhookId, randomUUID()] },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('feedback.webhookIds[1]');
    const both = await stack.request('POST', '/v1/sendouts', {
      projectId: seed.projectId,
      name: 'both',
      segmentId: seed.segmentId,
      integrationId: seed.integrationId,
      content: { subject: 'Hi' },
      feedback: { webhookIds: [webhookId], allWebhooks: true },
    });
    expect(both.status).toBe(400);
    const all = await createSendout(seed, { feedback: { allWebhooks: true } });
    expect(all.feedback).toEqual({ webhookIds: [webhookId] });
  });

  it('loses nothing when the worker is killed mid-delivery', async () => {
    const { client, close } = await stack.temporalClient();
    const dispatcher = client.workflow.getHandle(feedbackDispatcherWorkflowId(stack.config.temporal.taskQueue));
    const before = await dispatcher.describe();
    expect(before.status.name).toBe('RUNNING');
    const seed = await seedSendout(stack, { contacts: 120, espUrl: esp.url });
    receiver.delayMs = 40;
    const sendout = await createSendout(seed);
    await waitFor('some events delivered', 60_000, () => eventsOf(sendout.id).length >= 10, 50);

    stack.workers[0].kill('SIGKILL');
    await stack.workers[0].exited;
    stack.workers.shift();
    receiver.delayMs = 0;
    await stack.startWorker();

    await waitForStage(stack, sendout.id, 'COMPLETED');
    const events = await waitForEvents(sendout.id, 120, 60_000);
    expect(events).toHaveLength(120);
    expect(new Set(events.map((e) => e.messageExecution.messageExecutionID)).size).toBe(120);
    // the restarted worker found the dispatcher running and started no second one
    const after = await dispatcher.describe();
    expect(after.status.name).toBe('RUNNING');
    expect(after.runId).toBe(before.runId);
    await close();
  });
});

async function post(uri: string, body?: unknown) {
  const response = await fetch(uri, {
    method: 'POST',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as any };
}
