/**
 * Feedback webhooks that take several events per request: the dispatcher gathers a claim's events
 * for such a webhook into arrays, and retries each failed event alone (test/feedback-activity-fixture.ts).
 */
import { FeedbackDeliveriesRepository } from '@sendgate/database';
import { FeedbackDeliveryState } from '@sendgate/domain';
import { FeedbackDispatcher, FeedbackSender } from '@sendgate/feedback';
import { ActivityEnvironment } from '../test/activity-environment';
import { feedbackActivityFixture } from '../test/feedback-activity-fixture';
import { FeedbackReceiver } from '../test/feedback-receiver';

const f = feedbackActivityFixture();
const {
  db,
  client,
  secrets,
  receiver,
  sendoutWithFeedback,
  insertWebhook,
  sendoutTo,
  markSent,
  receivedMessageIds,
  requestSizes,
  deliveryStates,
} = f;

describe('a webhook that takes several events per request', () => {
  it('gathers the events of a webhook that takes several per request into arrays of at most that many, each event once', async () => {
    const { sendoutId, ids } = await sendoutWithFeedback(20, receiver.url, 20, 3);
    const refusedBefore = receiver.refused.length;

    const result = await new ActivityEnvironment({ activityType: 'deliverSendoutFeedback' }).run(f.sut.deliverSendoutFeedback, {
      sendoutId,
    });

    expect(result).toEqual({ delivered: 20, handedOver: 0 });
    expect(receivedMessageIds(sendoutId)).toEqual(ids);
    expect(new Set(receiver.accepted.filter((e) => e.body.messageExecution.campaignID === sendoutId).map((e) => e.requestId)).size).toBe(
      20,
    );
    // claims of 7 rows: 3 + 3 + 1 a claim, and 3 + 3 for the last 6; the receiver checked each JWT's jti against its array
    expect(requestSizes(sendoutId).sort()).toEqual([1, 1, 3, 3, 3, 3, 3, 3].sort());
    expect(receiver.refused.length).toBe(refusedBefore);
    expect(await deliveryStates(sendoutId)).toEqual([{ state: FeedbackDeliveryState.DELIVERED, error: null, n: 20 }]);
  });

  it('gathers the events only for the webhook that takes several, beside one that takes one, in the same claims', async () => {
    const batching = await new FeedbackReceiver(receiver.secret).start();
    try {
      const accountId = await db.accountWithContacts(6);
      const webhookIds = [await insertWebhook(accountId, receiver.url, 1), await insertWebhook(accountId, batching.url, 4)];
      const { sendoutId, ids } = await sendoutTo(accountId, webhookIds, 6);
      await markSent(ids);

      const result = await new ActivityEnvironment({ activityType: 'deliverSendoutFeedback' }).run(f.sut.deliverSendoutFeedback, {
        sendoutId,
      });

      expect(result).toEqual({ delivered: 12, handedOver: 0 });
      expect(requestSizes(sendoutId)).toEqual([1, 1, 1, 1, 1, 1]);
      const arrays = batching.requests.filter((events) => events[0].messageExecution.campaignID === sendoutId);
      expect(
        arrays
          .flat()
          .map((e) => Number(e.messageExecution.messageExecutionID))
          .sort((a, b) => a - b),
      ).toEqual(ids);
      // claims of 7 rows out of 12: each claim's events for the batching webhook go in one array or two
      expect(arrays.length).toBeLessThan(6);
      expect(arrays.every((events) => events.length <= 4)).toBe(true);
    } finally {
      await batching.stop();
    }
  });

  it("fails a request's events together, and retries each of them alone, once", async () => {
    const { sendoutId, ids } = await sendoutWithFeedback(10, receiver.url, 10, 4);
    const retrying = new FeedbackDispatcher(new FeedbackDeliveriesRepository(db.sql), f.webhooks, new FeedbackSender(client), secrets, {
      receiverConcurrency: 2,
      concurrency: 8,
      batchSize: 10,
      leaseMs: 10_000,
      retry: { backoffInitialMs: 1, backoffMaxMs: 1, retryWindowMs: 3_600_000 },
      receiverCacheMs: 0,
    });
    receiver.mode = 'unavailable';
    const downBefore = receiver.downHits;

    expect(await retrying.dispatchBatch({ sendoutId, firstAttemptOnly: true })).toEqual({ claimed: 10, delivered: 0, failed: 10 });
    // the first failed request fails the rest of the batch for that receiver: at most one request a lane
    expect(receiver.downHits - downBefore).toBeLessThanOrEqual(2);
    receiver.mode = 'up';
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await retrying.dispatchBatch({ sendoutId })).toEqual({ claimed: 10, delivered: 10, failed: 0 });

    expect(receivedMessageIds(sendoutId)).toEqual(ids);
    // an event the receiver could not take would fail alone now, not hold the others back again
    expect(requestSizes(sendoutId)).toEqual(Array(10).fill(1));
    expect(await deliveryStates(sendoutId)).toEqual([{ state: FeedbackDeliveryState.DELIVERED, error: null, n: 10 }]);
  });
});
