import { randomUUID } from 'node:crypto';
import { FeedbackEvent, MessageState } from '@sendgate/domain';
import { describeOnEachDatabase, TestDatabase } from '../../../../test/test-databases';
import { sendoutRow } from '../../../../test/sendout-row';
import { seedEmailBulk } from '../../../../test/email-rows';
import { ClaimedReportPush, FeedbackDeliveriesRepository } from './feedback-deliveries.repository';
import { recordFeedback } from './feedback-outbox';
import { MessagesRepository } from './messages.repository';
import { SendoutsRepository } from './sendouts.repository';

const MINUTE = 60_000;

/** A sendout of `count` messages in `state`, with an email API request (notifyUrl or not) and feedback webhooks as asked. */
async function sendout(
  db: TestDatabase,
  count: number,
  state: MessageState,
  options: { notifyUrl?: string | null; webhooks?: number } = {},
) {
  const accountId = await db.accountWithContacts(count);
  const sendoutId = randomUUID();
  const webhookIds = Array.from({ length: options.webhooks ?? 0 }, () => randomUUID());
  await new SendoutsRepository(db.sql).insert(
    sendoutRow({ id: sendoutId, accountId, integrationId: randomUUID(), kind: 'single', feedbackEnabled: true }),
    webhookIds,
  );
  const { ids } = await db.messages(accountId, count, state, sendoutId);
  let messageIds: string[] = [];
  if (options.notifyUrl !== undefined) {
    ({ messageIds } = await seedEmailBulk(db.sql, {
      accountId,
      sendoutId,
      recipients: Array.from({ length: count }, (_, i) => ({ externalId: `c-${i + 1}`, to: `c-${i + 1}@example.com` })),
      callbackData: 'order-42',
      notifyUrl: options.notifyUrl,
    }));
  }
  return { accountId, sendoutId, ids, messageIds, webhookIds };
}

async function outbox(db: TestDatabase, sendoutId: string) {
  return db.sql.all<{ target: string; event: string; webhook_id: string; state: string }>(
    'SELECT target, event, webhook_id, state FROM feedback_deliveries WHERE sendout_id = ? ORDER BY id',
    [sendoutId],
  );
}

describeOnEachDatabase((db) => {
  let messages: MessagesRepository;
  let deliveries: FeedbackDeliveriesRepository;
  beforeAll(() => {
    messages = new MessagesRepository(db.sql);
    deliveries = new FeedbackDeliveriesRepository(db.sql);
  });

  describe('when a message of a request with a notifyUrl reaches a final state', () => {
    it('queues one report push per message, beside the webhook events, and none for sent', async () => {
      const { sendoutId, ids } = await sendout(db, 2, MessageState.SENT, { notifyUrl: 'https://client.example.com/reports', webhooks: 1 });
      await recordFeedback(db.sql, FeedbackEvent.SENT, { sendoutId });
      expect((await outbox(db, sendoutId)).map((r) => r.target)).toEqual(['webhook', 'webhook']);

      await db.sql.run('UPDATE messages SET state = ? WHERE id = ?', [MessageState.DELIVERED, ids[0]]);
      await recordFeedback(db.sql, FeedbackEvent.DELIVERED, { messageIds: ids });
      await recordFeedback(db.sql, FeedbackEvent.DELIVERED, { messageIds: ids });

      const rows = await outbox(db, sendoutId);
      expect(rows.filter((r) => r.target === 'notify')).toEqual([
        { target: 'notify', event: 'report', webhook_id: sendoutId, state: 'PENDING' },
      ]);
      expect(rows.filter((r) => r.target === 'webhook').map((r) => r.event)).toEqual(['sent', 'sent', 'delivered']);
    });

    it('queues the push of cancelled messages, which report no webhook event', async () => {
      const { sendoutId } = await sendout(db, 3, MessageState.ACCEPTED, { notifyUrl: 'https://client.example.com/reports' });

      await messages.transition(sendoutId, [MessageState.ACCEPTED], MessageState.CANCELED, 'the sendout was cancelled', undefined, {
        feedback: true,
      });

      expect((await outbox(db, sendoutId)).map((r) => [r.target, r.event])).toEqual([
        ['notify', 'report'],
        ['notify', 'report'],
        ['notify', 'report'],
      ]);
    });

    it('claims the push with the notifyUrl and the final report, callbackData included', async () => {
      const { sendoutId, ids, messageIds } = await sendout(db, 1, MessageState.BOUNCED, {
        notifyUrl: 'https://client.example.com/reports',
      });
      await recordFeedback(db.sql, FeedbackEvent.BOUNCE, { messageIds: ids });

      const claimed = await deliveries.claim({ limit: 10, leaseMs: MINUTE, sendoutId, firstAttemptOnly: true });

      expect(claimed).toHaveLength(1);
      const push = claimed[0] as ClaimedReportPush;
      expect(push).toMatchObject({
        target: 'notify',
        webhookId: sendoutId,
        attempts: 0,
        notify: { url: 'https://client.example.com/reports', contentType: 'application/json' },
        report: {
          messageId: messageIds[0],
          to: 'c-1@example.com',
          callbackData: 'order-42',
          status: { groupName: 'UNDELIVERABLE' },
          error: { name: 'EC_HARD_BOUNCE' },
        },
      });
    });
  });

  describe('when a sendout has no notifyUrl', () => {
    it('queues no push, with or without an email API request', async () => {
      const batch = await sendout(db, 2, MessageState.DELIVERED, { webhooks: 1 });
      const quiet = await sendout(db, 2, MessageState.DELIVERED, { notifyUrl: null, webhooks: 1 });
      for (const { sendoutId } of [batch, quiet]) {
        await recordFeedback(db.sql, FeedbackEvent.DELIVERED, { sendoutId });
        expect((await outbox(db, sendoutId)).map((r) => r.target)).toEqual(['webhook', 'webhook']);
      }
    });
  });
});
