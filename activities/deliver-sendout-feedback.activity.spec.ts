/**
 * The feedback activities without a worker: a real activity context, SQLite in memory with the
 * product's migrations, the real dispatcher and sender, and feedback receivers as real servers on
 * 127.0.0.1 that verify every JWT (test/feedback-activity-fixture.ts). Webhooks that take several
 * events per request: feedback-batches.activity.spec.ts.
 */
import { randomUUID } from 'node:crypto';
import { MessagesRepository, SendoutsRepository } from '@sendgate/database';
import { ActivityCancellationDetails } from '@temporalio/common';
import { FeedbackDeliveryState, MessageState } from '@sendgate/domain';
import { ActivityEnvironment } from '../test/activity-environment';
import { seedEmailBulk } from '../test/email-rows';
import { feedbackActivityFixture } from '../test/feedback-activity-fixture';
import { sendoutRow } from '../test/sendout-row';
import { waitFor } from '../test/wait';
import { createFeedbackActivities } from './index';

const f = feedbackActivityFixture();
const { db, receiver, notifyReceiver, strictDispatcher, sendoutWithFeedback, markSent, receivedMessageIds, deliveryStates } = f;

describe('deliverSendoutFeedback', () => {
  it("delivers every event of the sendout's first attempts, signed, then returns", async () => {
    const { sendoutId, ids } = await sendoutWithFeedback(20);

    const result = await new ActivityEnvironment({ activityType: 'deliverSendoutFeedback' }).run(f.sut.deliverSendoutFeedback, {
      sendoutId,
    });

    expect(result).toEqual({ delivered: 20, handedOver: 0 });
    expect(await deliveryStates(sendoutId)).toEqual([{ state: FeedbackDeliveryState.DELIVERED, error: null, n: 20 }]);
    const received = receiver.accepted.filter((e) => e.body.messageExecution.campaignID === sendoutId);
    expect(received.map((e) => Number(e.body.messageExecution.messageExecutionID)).sort((a, b) => a - b)).toEqual(ids);
    expect(received[0].claims).toMatchObject({ jti: received[0].requestId, body_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('hands failed first attempts over to the dispatcher instead of waiting for the receiver', async () => {
    const { sendoutId } = await sendoutWithFeedback(10);
    receiver.mode = 'unavailable';

    const result = await new ActivityEnvironment({ activityType: 'deliverSendoutFeedback' }).run(f.sut.deliverSendoutFeedback, {
      sendoutId,
    });

    expect(result).toEqual({ delivered: 0, handedOver: 10 });
    const rows = await db.sql.all<{ attempts: number | string; last_status: number | string | null }>(
      'SELECT attempts, last_status FROM feedback_deliveries WHERE sendout_id = ? AND state = ?',
      [sendoutId, FeedbackDeliveryState.PENDING],
    );
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => Number(r.attempts) === 1)).toBe(true);
    // one receiver failing in a batch is not hammered: the rest of its batch waits for the backoff
    expect(receiver.downHits).toBeLessThan(10);
  });

  describe('following a sendout while it sends', () => {
    it('delivers the events queued after it started, until the workflow cancels it, then answers what it delivered', async () => {
      const { sendoutId, ids } = await sendoutWithFeedback(30, receiver.url, 10);
      const env = new ActivityEnvironment({ activityType: 'deliverSendoutFeedback' });
      const following = env.run(f.sut.deliverSendoutFeedback, { sendoutId, follow: true });
      try {
        await waitFor('the first events', 10_000, () => receivedMessageIds(sendoutId).length === 10);
        // nothing due now: it waits for the pages instead of returning
        await markSent(ids.slice(10));
        await waitFor('the events queued later', 10_000, () => receivedMessageIds(sendoutId).length === 30);
      } finally {
        env.cancel();
      }

      expect(await following).toEqual({ delivered: 30, handedOver: 0 });
      expect(receivedMessageIds(sendoutId)).toEqual(ids);
      expect(await deliveryStates(sendoutId)).toEqual([{ state: FeedbackDeliveryState.DELIVERED, error: null, n: 30 }]);
    });

    it('shares the rows with the fan-out step that runs after it: every event is delivered once', async () => {
      const { sendoutId, ids } = await sendoutWithFeedback(120, receiver.url, 0);
      const env = new ActivityEnvironment({ activityType: 'deliverSendoutFeedback' });
      const following = env.run(f.sut.deliverSendoutFeedback, { sendoutId, follow: true });
      let fanOut: { delivered: number };
      try {
        await markSent(ids.slice(0, 60));
        await waitFor('the follower under way', 10_000, () => receivedMessageIds(sendoutId).length > 0, 5);
        await markSent(ids.slice(60));
        fanOut = await new ActivityEnvironment({ activityType: 'deliverSendoutFeedback' }).run(f.sut.deliverSendoutFeedback, { sendoutId });
      } finally {
        env.cancel();
      }

      const followed = (await following) as { delivered: number };
      expect(followed.delivered + fanOut.delivered).toBe(120);
      expect(receivedMessageIds(sendoutId)).toEqual(ids);
      expect(await deliveryStates(sendoutId)).toEqual([{ state: FeedbackDeliveryState.DELIVERED, error: null, n: 120 }]);
    });

    it('fails retryably when the worker shuts down under it, so that another attempt follows on', async () => {
      const { sendoutId } = await sendoutWithFeedback(3);
      const env = new ActivityEnvironment({ activityType: 'deliverSendoutFeedback' });
      const following = env.run(f.sut.deliverSendoutFeedback, { sendoutId, follow: true });
      await waitFor('the events', 10_000, () => receivedMessageIds(sendoutId).length === 3);

      env.cancel('WORKER_SHUTDOWN', new ActivityCancellationDetails({ workerShutdown: true }));

      await expect(following).rejects.toMatchObject({ type: 'FanOutInterrupted', nonRetryable: false });
    });

    it('fails retryably as soon as its worker begins to shut down, without waiting for the cancel at the end of the grace', async () => {
      const { sendoutId } = await sendoutWithFeedback(3);
      const stopping = new AbortController();
      const activities = createFeedbackActivities({ ...f.deps, stopping: stopping.signal });
      const env = new ActivityEnvironment({ activityType: 'deliverSendoutFeedback' });
      const following = env.run(activities.deliverSendoutFeedback, { sendoutId, follow: true });
      await waitFor('the events', 10_000, () => receivedMessageIds(sendoutId).length === 3);

      stopping.abort();

      await expect(following).rejects.toMatchObject({ type: 'FanOutInterrupted', nonRetryable: false });
    });
  });

  it("runs to its end as a local activity (an inline sendout's fan-out) while its worker shuts down", async () => {
    const { sendoutId, ids } = await sendoutWithFeedback(5);
    const stopping = new AbortController();
    stopping.abort();
    const activities = createFeedbackActivities({ ...f.deps, stopping: stopping.signal });

    const result = await new ActivityEnvironment({ activityType: 'deliverSendoutFeedback', isLocal: true }).run(
      activities.deliverSendoutFeedback,
      { sendoutId },
    );

    expect(result).toEqual({ delivered: 5, handedOver: 0 });
    expect(receivedMessageIds(sendoutId)).toEqual(ids);
  });

  it('gives up at once on a deleted webhook and on an address it may not connect to', async () => {
    const deleted = await sendoutWithFeedback(3);
    await f.webhooks.delete(deleted.accountId, deleted.webhookId);
    const refused = await sendoutWithFeedback(2, 'http://127.0.0.1:1/');
    const refusedArrays = await sendoutWithFeedback(7, 'http://127.0.0.1:1/', 7, 5);
    const strict = strictDispatcher();

    await strict.dispatchBatch({ sendoutId: deleted.sendoutId, firstAttemptOnly: true });
    await strict.dispatchBatch({ sendoutId: refused.sendoutId, firstAttemptOnly: true });
    await strict.dispatchBatch({ sendoutId: refusedArrays.sendoutId, firstAttemptOnly: true });

    expect(await deliveryStates(deleted.sendoutId)).toEqual([{ state: FeedbackDeliveryState.DEAD, error: 'webhook deleted', n: 3 }]);
    const [dead] = await deliveryStates(refused.sendoutId);
    expect(dead).toMatchObject({ state: FeedbackDeliveryState.DEAD, n: 2 });
    expect(dead.error).toMatch(/^destination refused/);
    // an array of 5 and one of 2: the first refused, the second given up with it
    const [deadArrays] = await deliveryStates(refusedArrays.sendoutId);
    expect(deadArrays).toMatchObject({ state: FeedbackDeliveryState.DEAD, n: 7, error: dead.error });
  });
});

describe('dispatchFeedback', () => {
  it("delivers what is due until its run time is over, leaving the send path's events to the fan-out for a while", async () => {
    const sent = await sendoutWithFeedback(4);
    const { sendoutId } = await sendoutWithFeedback(0);
    const accountId = await db.accountWithContacts(15);
    await db.messages(accountId, 15, MessageState.GATED, sendoutId);
    await new MessagesRepository(db.sql).transition(sendoutId, [MessageState.GATED], MessageState.TIMED_OUT, 'timed out', undefined, {
      feedback: true,
    });

    const result = await new ActivityEnvironment({ activityType: 'dispatchFeedback' }).run(f.sut.dispatchFeedback, { maxRunMs: 1_000 });

    expect((result as { delivered: number }).delivered).toBeGreaterThanOrEqual(15);
    expect(await deliveryStates(sendoutId)).toEqual([{ state: FeedbackDeliveryState.DELIVERED, error: null, n: 15 }]);
    expect(await deliveryStates(sent.sendoutId)).toEqual([{ state: FeedbackDeliveryState.PENDING, error: null, n: 4 }]);
  });

  it('returns what it delivered once its worker begins to shut down, long before its run time is over', async () => {
    const { sendoutId } = await sendoutWithFeedback(0);
    const accountId = await db.accountWithContacts(6);
    await db.messages(accountId, 6, MessageState.GATED, sendoutId);
    await new MessagesRepository(db.sql).transition(sendoutId, [MessageState.GATED], MessageState.TIMED_OUT, 'timed out', undefined, {
      feedback: true,
    });
    const stopping = new AbortController();
    const activities = createFeedbackActivities({ ...f.deps, stopping: stopping.signal });
    const running = new ActivityEnvironment({ activityType: 'dispatchFeedback' }).run(activities.dispatchFeedback, { maxRunMs: 3_600_000 });
    await waitFor('the events', 10_000, async () => (await deliveryStates(sendoutId))[0]?.n === 6);

    stopping.abort();

    expect(((await running) as { delivered: number }).delivered).toBeGreaterThanOrEqual(6);
  });
});

describe('the notifyUrl push of an email API request', () => {
  /** A request to `count` recipients whose messages are SENDING, with a notifyUrl and no feedback webhook. */
  async function requestWithNotifyUrl(count: number, notifyUrl: string) {
    const accountId = await db.accountWithContacts(count);
    const sendoutId = randomUUID();
    await new SendoutsRepository(db.sql).insert(
      sendoutRow({ id: sendoutId, accountId, integrationId: randomUUID(), kind: 'single', feedbackEnabled: true }),
    );
    const { ids } = await db.messages(accountId, count, MessageState.SENDING, sendoutId);
    const recipients = Array.from({ length: count }, (_, i) => ({ externalId: `c-${i + 1}`, to: `c-${i + 1}@example.com` }));
    const { bulkId } = await seedEmailBulk(db.sql, { accountId, sendoutId, recipients, notifyUrl, callbackData: 'cb-1' });
    return { sendoutId, ids, bulkId };
  }

  it("delivers a send failure's report in the sendout's fan-out step, as {results: [report]}", async () => {
    const { sendoutId, ids, bulkId } = await requestWithNotifyUrl(2, notifyReceiver.url);
    await new MessagesRepository(db.sql).markFailed(
      ids.map((id) => ({ id, reason: 'ESP answered 422: no such mailbox' })),
      { feedback: true },
    );

    const result = await new ActivityEnvironment({ activityType: 'deliverSendoutFeedback' }).run(f.sut.deliverSendoutFeedback, {
      sendoutId,
    });

    expect(result).toEqual({ delivered: 2, handedOver: 0 });
    const pushed = notifyReceiver.accepted.filter((e) => e.body.results[0].bulkId === bulkId);
    expect(pushed).toHaveLength(2);
    expect(pushed[0].claims).toEqual({ contentType: 'application/json' });
    expect(pushed[0].body.results[0]).toMatchObject({
      callbackData: 'cb-1',
      status: { groupName: 'UNDELIVERABLE' },
      error: { name: 'EC_INTERNAL_SYSTEM_ERROR', description: 'ESP answered 422: no such mailbox' },
    });
  });

  it('gives up at once on a notifyUrl the outbound guard refuses', async () => {
    const { sendoutId, ids } = await requestWithNotifyUrl(1, 'http://127.0.0.1:1/reports');
    await new MessagesRepository(db.sql).markFailed([{ id: ids[0], reason: 'rendering failed' }], { feedback: true });
    const strict = strictDispatcher();

    await strict.dispatchBatch({ sendoutId, firstAttemptOnly: true });

    const [dead] = await deliveryStates(sendoutId);
    expect(dead).toMatchObject({ state: FeedbackDeliveryState.DEAD, n: 1 });
    expect(dead.error).toMatch(/^destination refused/);
  });
});
