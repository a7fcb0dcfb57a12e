import { randomUUID } from 'node:crypto';
import { FeedbackDeliveryState, FeedbackEvent, MessageState } from '@sendgate/domain';
import { describeOnEachDatabase, TestDatabase } from '../../../../test/test-databases';
import { sendoutRow } from '../../../../test/sendout-row';
import { ClaimedDelivery, FeedbackDeliveriesRepository, FeedbackRetryPolicy } from './feedback-deliveries.repository';
import { recordFeedback } from './feedback-outbox';
import { MessagesRepository } from './messages.repository';
import { ProjectsRepository } from './projects.repository';
import { SendoutsRepository } from './sendouts.repository';

const MINUTE = 60_000;
const policy: FeedbackRetryPolicy = { backoffInitialMs: MINUTE, backoffMaxMs: 60 * MINUTE, retryWindowMs: 24 * 60 * MINUTE };

/** A sendout with feedback to one webhook and `count` messages in `state`, their events queued. */
async function sendoutWithFeedback(db: TestDatabase, count: number, state: MessageState, event: FeedbackEvent) {
  const accountId = await db.accountWithContacts(count);
  const projectId = randomUUID();
  await new ProjectsRepository(db.sql).insert({ id: projectId, accountId, name: 'Spring' });
  const sendoutId = randomUUID();
  const webhookId = randomUUID();
  await new SendoutsRepository(db.sql).insert(
    sendoutRow({ id: sendoutId, accountId, integrationId: randomUUID(), projectId, feedbackEnabled: true }),
    [webhookId],
  );
  const { ids } = await db.messages(accountId, count, state, sendoutId);
  await recordFeedback(db.sql, event, { sendoutId });
  return { accountId, projectId, sendoutId, webhookId, ids };
}

/** The body facts of a claimed feedback webhook delivery. */
function webhookFacts(delivery: ClaimedDelivery) {
  if (delivery.target !== 'webhook') throw new Error(`delivery ${delivery.id} is a ${delivery.target} push`);
  return delivery.facts;
}

async function deliveryStates(db: TestDatabase, sendoutId: string) {
  return db.sql.all<{ event: string; state: string; attempts: number | string; last_error: string | null }>(
    'SELECT event, state, attempts, last_error FROM feedback_deliveries WHERE sendout_id = ? ORDER BY id',
    [sendoutId],
  );
}

async function deliveryIds(db: TestDatabase, sendoutId: string): Promise<number[]> {
  const rows = await db.sql.all<{ id: number | string }>('SELECT id FROM feedback_deliveries WHERE sendout_id = ? ORDER BY id', [
    sendoutId,
  ]);
  return rows.map((r) => Number(r.id));
}

describeOnEachDatabase((db) => {
  let sut: FeedbackDeliveriesRepository;
  beforeAll(() => {
    sut = new FeedbackDeliveriesRepository(db.sql);
  });

  describe('when monitoring reads the outbox', () => {
    it('counts due and dead rows, up to the cap, and how long the oldest due row has waited', async () => {
      const before = await sut.outboxState();
      const { sendoutId } = await sendoutWithFeedback(db, 3, MessageState.SENT, FeedbackEvent.SENT);
      const [dead] = await deliveryIds(db, sendoutId);
      await db.sql.run('UPDATE feedback_deliveries SET state = ? WHERE id = ?', [FeedbackDeliveryState.DEAD, dead]);
      const later = new Date(Date.now() + 10 * MINUTE);

      const state = await sut.outboxState(later);

      expect(state.due).toBe(before.due + 2);
      expect(state.dead).toBe(before.dead + 1);
      expect(state.oldestDueSeconds).toBeGreaterThanOrEqual(10 * 60 - 5);
      expect((await sut.outboxState(later, 1)).due).toBe(1);
    });
  });

  describe('when a delivered event is queued behind a sent event of the same message', () => {
    it('holds the delivered event back until the sent event is settled', async () => {
      const { sendoutId, ids } = await sendoutWithFeedback(db, 1, MessageState.SENT, FeedbackEvent.SENT);
      await db.sql.run('UPDATE messages SET state = ? WHERE id = ?', [MessageState.DELIVERED, ids[0]]);
      await recordFeedback(db.sql, FeedbackEvent.DELIVERED, { messageIds: ids });

      const first = await sut.claim({ limit: 10, leaseMs: MINUTE, sendoutId });
      expect(first.map((d) => webhookFacts(d).event)).toEqual([FeedbackEvent.SENT]);

      await sut.markFailed([{ ...first[0], status: 503, error: 'receiver answered 503' }], policy);
      expect(await sut.claim({ limit: 10, leaseMs: MINUTE, sendoutId })).toEqual([]);

      const later = new Date(Date.now() + 2 * MINUTE);
      const retried = await sut.claim({ limit: 10, leaseMs: MINUTE, sendoutId, now: later });
      expect(retried.map((d) => webhookFacts(d).event)).toEqual([FeedbackEvent.SENT]);
      await sut.markDelivered([retried[0].id], 200);

      const next = await sut.claim({ limit: 10, leaseMs: MINUTE, sendoutId, now: later });
      expect(next.map((d) => webhookFacts(d).event)).toEqual([FeedbackEvent.DELIVERED]);
    });
  });

  describe('when rows are claimed', () => {
    it('answers the facts of each body', async () => {
      const { accountId, projectId, sendoutId, webhookId, ids } = await sendoutWithFeedback(db, 1, MessageState.SENT, FeedbackEvent.SENT);

      const [claimed] = await sut.claim({ limit: 10, leaseMs: MINUTE, sendoutId, firstAttemptOnly: true });

      expect(claimed).toMatchObject({ webhookId, attempts: 0 });
      expect(webhookFacts(claimed)).toMatchObject({
        accountId,
        project: { id: projectId, name: 'Spring' },
        messageId: ids[0],
        messageType: 'marketing',
        campaignId: sendoutId,
        campaignVersionId: sendoutId,
        event: FeedbackEvent.SENT,
        retryCount: 0,
        email: 'c-1@example.com',
      });
      expect(webhookFacts(claimed).requestId).toMatch(/^[0-9a-f]{32}$/);
    });

    it('does not answer a leased row again before its lease expires', async () => {
      const { sendoutId } = await sendoutWithFeedback(db, 3, MessageState.SENT, FeedbackEvent.SENT);

      expect(await sut.claim({ limit: 10, leaseMs: MINUTE, sendoutId })).toHaveLength(3);
      expect(await sut.claim({ limit: 10, leaseMs: MINUTE, sendoutId })).toEqual([]);
      expect(await sut.claim({ limit: 10, leaseMs: MINUTE, sendoutId, now: new Date(Date.now() + 2 * MINUTE) })).toHaveLength(3);
    });
  });

  describe('when two dispatchers claim at once', () => {
    it('gives each row to one of them', async () => {
      const { sendoutId } = await sendoutWithFeedback(db, 40, MessageState.FAILED, FeedbackEvent.ERROR);

      const [a, b] = await Promise.all([
        sut.claim({ limit: 40, leaseMs: MINUTE, sendoutId }),
        sut.claim({ limit: 40, leaseMs: MINUTE, sendoutId }),
      ]);

      const aIds = new Set(a.map((d) => d.id));
      expect(b.filter((d) => aIds.has(d.id))).toEqual([]);
      expect(a.length + b.length).toBe(40);
    });
  });

  describe('when attempts fail', () => {
    it('retries with a growing backoff, then gives up past the retry window', async () => {
      const { sendoutId } = await sendoutWithFeedback(db, 1, MessageState.SENT, FeedbackEvent.SENT);
      let now = new Date();
      const [row] = await sut.claim({ limit: 1, leaseMs: MINUTE, sendoutId, now });
      await sut.markFailed([{ ...row, status: 500, error: 'receiver answered 500' }], policy, now);

      now = new Date(now.getTime() + MINUTE + 1);
      const [second] = await sut.claim({ limit: 1, leaseMs: MINUTE, sendoutId, now });
      expect(second.attempts).toBe(1);
      await sut.markFailed([{ ...second, error: 'connection refused' }], policy, now);
      // the second backoff is two minutes
      expect(await sut.claim({ limit: 1, leaseMs: MINUTE, sendoutId, now: new Date(now.getTime() + MINUTE + 1) })).toEqual([]);

      now = new Date(now.getTime() + 2 * MINUTE + 1);
      const [third] = await sut.claim({ limit: 1, leaseMs: MINUTE, sendoutId, now });
      const pastWindow = new Date(third.createdAt.getTime() + policy.retryWindowMs);
      await sut.markFailed([{ ...third, status: 503, error: 'receiver answered 503' }], policy, pastWindow);

      expect(await deliveryStates(db, sendoutId)).toEqual([
        { event: 'sent', state: FeedbackDeliveryState.DEAD, attempts: expect.anything(), last_error: 'receiver answered 503' },
      ]);
    });

    it('waits at least as long as the receiver asked', async () => {
      const { sendoutId } = await sendoutWithFeedback(db, 1, MessageState.SENT, FeedbackEvent.SENT);
      const now = new Date();
      const [row] = await sut.claim({ limit: 1, leaseMs: MINUTE, sendoutId, now });
      await sut.markFailed([{ ...row, status: 429, error: 'receiver answered 429', retryAfterMs: 10 * MINUTE }], policy, now);

      expect(await sut.claim({ limit: 1, leaseMs: MINUTE, sendoutId, now: new Date(now.getTime() + 5 * MINUTE) })).toEqual([]);
      expect(await sut.claim({ limit: 1, leaseMs: MINUTE, sendoutId, now: new Date(now.getTime() + 10 * MINUTE + 1) })).toHaveLength(1);
    });

    it('gives up at once on a final failure', async () => {
      const { sendoutId } = await sendoutWithFeedback(db, 2, MessageState.SENT, FeedbackEvent.SENT);
      const rows = await sut.claim({ limit: 2, leaseMs: MINUTE, sendoutId });
      await sut.markFailed(
        rows.map((r) => ({ ...r, error: 'webhook deleted', final: true })),
        policy,
      );

      expect((await deliveryStates(db, sendoutId)).map((r) => [r.state, r.last_error])).toEqual([
        [FeedbackDeliveryState.DEAD, 'webhook deleted'],
        [FeedbackDeliveryState.DEAD, 'webhook deleted'],
      ]);
      expect(await sut.countFirstAttemptsDue(sendoutId)).toBe(0);
    });
  });

  describe('when the sendout has feedback on', () => {
    it('queues events in the transaction of each state change, and none for cancels', async () => {
      const { sendoutId, ids } = await sendoutWithFeedback(db, 4, MessageState.SENDING, FeedbackEvent.SENT);
      const messages = new MessagesRepository(db.sql);

      await messages.markSent([{ id: ids[0] }, { id: ids[1], espMessageId: 'esp-2' }], { feedback: true });
      await messages.markFailed([{ id: ids[2], reason: 'ESP answered 400: mailbox invalid' }], { feedback: true });
      await messages.markCanceled([ids[3]], 'the sendout was cancelled');

      const rows = await db.sql.all<{
        message_id: number | string;
        event: string;
        failure_reason: string | null;
        failure_type: string | null;
        failure_code: string | null;
      }>(
        `SELECT message_id, event, failure_reason, failure_type, failure_code
         FROM feedback_deliveries WHERE sendout_id = ? ORDER BY message_id`,
        [sendoutId],
      );
      expect(rows.map((r) => [Number(r.message_id), r.event, r.failure_type, r.failure_code, r.failure_reason])).toEqual([
        [ids[0], 'sent', null, null, null],
        [ids[1], 'sent', null, null, null],
        [ids[2], 'error', 'Error', '400', 'ESP answered 400: mailbox invalid'],
      ]);
    });

    it('queues exclude events for gate timeouts', async () => {
      const { sendoutId } = await sendoutWithFeedback(db, 2, MessageState.GATED, FeedbackEvent.SENT);
      const messages = new MessagesRepository(db.sql);

      await messages.transition(sendoutId, [MessageState.GATED], MessageState.TIMED_OUT, 'the send gate timed out', undefined, {
        feedback: true,
      });

      const claimed = await sut.claim({ limit: 10, leaseMs: MINUTE, sendoutId });
      expect(claimed.map((d) => [webhookFacts(d).event, webhookFacts(d).failure?.reason])).toEqual([
        [FeedbackEvent.EXCLUDE, 'the send gate timed out'],
        [FeedbackEvent.EXCLUDE, 'the send gate timed out'],
      ]);
    });
  });
});
