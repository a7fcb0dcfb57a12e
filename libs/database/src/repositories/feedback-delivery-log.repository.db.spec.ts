import { randomUUID } from 'node:crypto';
import { FeedbackDeliveryState } from '@sendgate/domain';
import { insertFeedbackDelivery } from '../../../../test/feedback-delivery-row';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { FeedbackDeliveryLogRepository } from './feedback-delivery-log.repository';

const { PENDING, DELIVERED, DEAD } = FeedbackDeliveryState;

describeOnEachDatabase((db) => {
  let sut: FeedbackDeliveryLogRepository;
  beforeAll(() => {
    sut = new FeedbackDeliveryLogRepository(db.sql);
  });

  let nextMessageId = 1;
  /** One row per state, inserted in order (so ids grow in the order given). */
  async function deliveries(accountId: string, webhookId: string, states: FeedbackDeliveryState[]) {
    const rows = [];
    for (const state of states) {
      const messageId = nextMessageId++;
      rows.push({ ...(await insertFeedbackDelivery(db.sql, { accountId, webhookId, messageId, state, attempts: 3 })), messageId });
    }
    return rows;
  }

  describe("when an account lists a webhook's deliveries a page at a time", () => {
    it('answers them newest first, each once, with a cursor until the last page', async () => {
      const accountId = await db.account();
      const webhookId = randomUUID();
      const rows = await deliveries(accountId, webhookId, [PENDING, DELIVERED, DEAD, PENDING, DEAD]);

      const first = await sut.list(accountId, webhookId, { limit: 2 });
      const second = await sut.list(accountId, webhookId, { limit: 2, after: first.next! });
      const third = await sut.list(accountId, webhookId, { limit: 2, after: second.next! });

      expect([...first.deliveries, ...second.deliveries, ...third.deliveries].map((d) => d.id)).toEqual(rows.map((r) => r.id).reverse());
      expect(third.next).toBeNull();
      expect(first.deliveries[0]).toMatchObject({
        requestId: rows[4].requestId,
        messageId: rows[4].messageId,
        state: DEAD,
        attempts: 3,
        lastStatusCode: null,
        deliveredAt: null,
      });
      expect(first.deliveries[0].createdAt).toBeInstanceOf(Date);
      expect(first.deliveries[0].nextAttemptAt).toBeInstanceOf(Date);
    });

    it('answers only those in the state asked for', async () => {
      const accountId = await db.account();
      const webhookId = randomUUID();
      const rows = await deliveries(accountId, webhookId, [DEAD, PENDING, DEAD, DELIVERED]);

      const dead = await sut.list(accountId, webhookId, { state: DEAD, limit: 10 });

      expect(dead.deliveries.map((d) => d.id)).toEqual([rows[2].id, rows[0].id]);
      expect(dead.next).toBeNull();
    });

    it("answers nothing of another account's webhook, nor another webhook's deliveries", async () => {
      const accountId = await db.account();
      const otherAccountId = await db.account();
      const webhookId = randomUUID();
      await deliveries(accountId, webhookId, [DEAD]);
      await deliveries(accountId, randomUUID(), [DEAD]);

      expect((await sut.list(otherAccountId, webhookId, { limit: 10 })).deliveries).toEqual([]);
      expect((await sut.list(accountId, webhookId, { limit: 10 })).deliveries).toHaveLength(1);
    });
  });

  describe('when a dead delivery is redelivered', () => {
    it('is pending again, due now, without a lease, with its attempts and requestId kept', async () => {
      const accountId = await db.account();
      const webhookId = randomUUID();
      const [row] = await deliveries(accountId, webhookId, [DEAD]);
      await db.sql.run('UPDATE feedback_deliveries SET lease_until = ?, next_attempt_at = ? WHERE id = ?', [
        db.sql.dialect.timestamp(new Date(Date.now() + 60_000)),
        db.sql.dialect.timestamp(new Date(Date.now() + 86_400_000)),
        row.id,
      ]);
      const now = new Date();

      const outcome = await sut.redeliver(accountId, webhookId, row.id, now);

      expect(outcome).toMatchObject({ kind: 'queued', delivery: { id: row.id, state: PENDING, attempts: 3, requestId: row.requestId } });
      const [stored] = await db.sql.all<{ lease_until: unknown; next_attempt_at: Date | string }>(
        'SELECT lease_until, next_attempt_at FROM feedback_deliveries WHERE id = ?',
        [row.id],
      );
      expect(stored.lease_until).toBeNull();
      expect(Math.abs((outcome.kind === 'queued' ? outcome.delivery.nextAttemptAt.getTime() : 0) - now.getTime())).toBeLessThan(1_000);
    });

    it('leaves a pending or delivered one as it is', async () => {
      const accountId = await db.account();
      const webhookId = randomUUID();
      const [pending, delivered] = await deliveries(accountId, webhookId, [PENDING, DELIVERED]);

      expect(await sut.redeliver(accountId, webhookId, pending.id)).toEqual({ kind: 'not-dead', state: PENDING });
      expect(await sut.redeliver(accountId, webhookId, delivered.id)).toEqual({ kind: 'not-dead', state: DELIVERED });
    });

    it("does not find another account's delivery, nor one of another webhook, and leaves it dead", async () => {
      const accountId = await db.account();
      const otherAccountId = await db.account();
      const webhookId = randomUUID();
      const [row] = await deliveries(accountId, webhookId, [DEAD]);

      expect(await sut.redeliver(otherAccountId, webhookId, row.id)).toEqual({ kind: 'missing' });
      expect(await sut.redeliver(accountId, randomUUID(), row.id)).toEqual({ kind: 'missing' });
      expect((await sut.find(accountId, webhookId, row.id))?.state).toBe(DEAD);
    });
  });
});
