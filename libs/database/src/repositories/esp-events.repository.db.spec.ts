import { randomUUID } from 'node:crypto';
import { MessageState } from '@sendgate/domain';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { sendoutRow } from '../../../../test/sendout-row';
import { EspIntegrationEntity, IntegrationStatus, SendoutEntity } from '../entities';
import { EspEventState, EspEventsRepository, ReceivedEspEvent } from './esp-events.repository';
import { SuppressionsRepository } from './suppressions.repository';

let serial = 0;
function event(fields: Partial<ReceivedEspEvent>): ReceivedEspEvent {
  return { status: 'delivered', espStatus: 'DELIVERED', type: null, code: null, reason: null, dedupeHash: `h-${++serial}`, ...fields };
}

describeOnEachDatabase((db) => {
  let sut: EspEventsRepository;
  beforeAll(() => {
    sut = new EspEventsRepository(db.sql);
  });

  /** A sendout of `integrationId` with `count` SENT messages whose ESP ids are `<prefix>-1`…, reporting to one webhook. */
  async function sentSendout(accountId: string, integrationId: string, count: number, prefix: string) {
    const sendout = sendoutRow({ id: randomUUID(), accountId, integrationId });
    await db.dataSource.getRepository(SendoutEntity).insert(sendout);
    const { ids } = await db.messages(accountId, count, MessageState.SENT, sendout.id as ReturnType<typeof randomUUID>);
    await db.sql.run(`UPDATE messages SET esp_message_id = ${db.sql.dialect.concat('?', 'contact_id')} WHERE sendout_id = ?`, [
      `${prefix}-`,
      sendout.id,
    ]);
    const contacts = await db.sql.all<{ contact_id: number | string }>('SELECT contact_id FROM messages WHERE sendout_id = ? ORDER BY id', [
      sendout.id,
    ]);
    const webhookId = randomUUID();
    await db.sql.run('INSERT INTO sendout_feedback_webhooks (sendout_id, webhook_id) VALUES (?, ?)', [sendout.id, webhookId]);
    return {
      sendoutId: sendout.id!,
      ids,
      espIds: contacts.map((c) => `${prefix}-${c.contact_id}`),
      keys: contacts.map((c) => `${sendout.id}:${c.contact_id}`),
    };
  }

  const outbox = (messageIds: number[]) =>
    db.sql.all<{
      message_id: number | string;
      event: string;
      failure_type: string | null;
      failure_code: string | null;
      failure_reason: string | null;
    }>(
      `SELECT message_id, event, failure_type, failure_code, failure_reason FROM feedback_deliveries
       WHERE message_id IN (${db.sql.dialect.placeholders(messageIds.length)}) ORDER BY message_id, id`,
      messageIds,
    );

  async function receiveAndApply(integration: { id: string; accountId: string }, events: ReceivedEspEvent[]) {
    const received = await sut.receive(integration, events);
    await sut.apply(received.pending);
    return received;
  }

  describe('when callbacks report delivered, bounce and error for sent messages', () => {
    it('moves each message, queues its feedback with the failure from the event, and marks the events applied', async () => {
      const accountId = await db.accountWithContacts(3);
      const integration = { id: randomUUID(), accountId };
      const { ids, espIds } = await sentSendout(accountId, integration.id, 3, `a${serial}`);

      const received = await receiveAndApply(integration, [
        event({ espMessageId: espIds[0] }),
        event({
          espMessageId: espIds[1],
          status: 'bounce',
          espStatus: 'UNDELIVERABLE',
          type: 'Bounced',
          code: 'EC_HARD_BOUNCE',
          reason: 'no such user',
        }),
        event({ espMessageId: espIds[2], status: 'error', espStatus: 'REJECTED' }),
      ]);

      expect(received.inserted).toBe(3);
      expect((await db.states(ids)).map((m) => [m.state, m.reason])).toEqual([
        [MessageState.DELIVERED, null],
        [MessageState.BOUNCED, 'no such user'],
        [MessageState.FAILED, 'REJECTED'],
      ]);
      expect((await outbox(ids)).map((r) => [Number(r.message_id), r.event, r.failure_type, r.failure_code, r.failure_reason])).toEqual([
        [ids[0], 'delivered', null, null, null],
        [ids[1], 'bounce', 'Bounced', 'EC_HARD_BOUNCE', 'no such user'],
        [ids[2], 'error', null, null, 'REJECTED'],
      ]);
      const events = await sut.list(integration.id, 10);
      expect(events.map((e) => [e.state, e.messageId])).toEqual([
        [EspEventState.APPLIED, ids[0]],
        [EspEventState.APPLIED, ids[1]],
        [EspEventState.APPLIED, ids[2]],
      ]);
    });
  });

  describe('when the same callback comes twice', () => {
    it('stores and changes nothing the second time', async () => {
      const accountId = await db.accountWithContacts(1);
      const integration = { id: randomUUID(), accountId };
      const { ids, espIds } = await sentSendout(accountId, integration.id, 1, `b${serial}`);
      const callback = [event({ espMessageId: espIds[0] })];

      await receiveAndApply(integration, callback);
      const again = await receiveAndApply(integration, callback);

      expect(again).toEqual({ inserted: 0, pending: [] });
      expect(await sut.list(integration.id, 10)).toHaveLength(1);
      expect(await outbox(ids)).toHaveLength(1);
    });
  });

  describe('when an event names a message of another integration', () => {
    it('leaves that message alone and the event pending, then unmatched', async () => {
      const accountId = await db.accountWithContacts(1);
      const a = { id: randomUUID(), accountId };
      const b = { id: randomUUID(), accountId };
      const prefix = `c${serial}`;
      const sendoutB = await sentSendout(accountId, b.id, 1, prefix);

      await receiveAndApply(a, [event({ espMessageId: sendoutB.espIds[0] }), event({ idempotencyKey: sendoutB.keys[0] })]);

      expect((await db.states(sendoutB.ids)).map((m) => m.state)).toEqual([MessageState.SENT]);
      expect((await sut.list(a.id, 10)).map((e) => [e.state, e.messageId])).toEqual([
        [EspEventState.PENDING, null],
        [EspEventState.PENDING, null],
      ]);
      await sut.markUnmatched(new Date(Date.now() + 60_000));
      expect((await sut.list(a.id, 10, 0, EspEventState.UNMATCHED)).length).toBe(2);
    });
  });

  describe('when a delivered arrives before the message is recorded SENT', () => {
    it('keeps it pending and applies it once the message is sent', async () => {
      const accountId = await db.accountWithContacts(1);
      const integration = { id: randomUUID(), accountId };
      const { ids, keys } = await sentSendout(accountId, integration.id, 1, `d${serial}`);
      await db.sql.run('UPDATE messages SET state = ? WHERE id = ?', [MessageState.SENDING, ids[0]]);

      await receiveAndApply(integration, [event({ idempotencyKey: keys[0] })]);
      expect((await sut.list(integration.id, 10)).map((e) => [e.state, e.messageId])).toEqual([[EspEventState.PENDING, ids[0]]]);

      await db.sql.run('UPDATE messages SET state = ? WHERE id = ?', [MessageState.SENT, ids[0]]);
      const pending = await sut.pendingIds(0, 100_000);
      await sut.apply(pending);

      expect((await db.states(ids)).map((m) => m.state)).toEqual([MessageState.DELIVERED]);
      expect((await sut.list(integration.id, 10)).map((e) => e.state)).toEqual([EspEventState.APPLIED]);
    });
  });

  describe('when a bounce follows the delivery, and events come for messages already past them', () => {
    it('bounces the delivered message and ignores what no longer applies or maps to nothing', async () => {
      const accountId = await db.accountWithContacts(2);
      const integration = { id: randomUUID(), accountId };
      const { ids, espIds } = await sentSendout(accountId, integration.id, 2, `e${serial}`);
      await db.sql.run('UPDATE messages SET state = ? WHERE id = ?', [MessageState.FAILED, ids[1]]);

      await receiveAndApply(integration, [event({ espMessageId: espIds[0] })]);
      await receiveAndApply(integration, [
        event({ espMessageId: espIds[0], status: 'bounce', reason: 'late bounce' }),
        event({ espMessageId: espIds[1] }),
        event({ espMessageId: 'nobody', status: 'unmapped', espStatus: 'open' }),
      ]);

      expect((await db.states(ids)).map((m) => m.state)).toEqual([MessageState.BOUNCED, MessageState.FAILED]);
      expect((await sut.list(integration.id, 10)).map((e) => e.state)).toEqual([
        EspEventState.APPLIED,
        EspEventState.APPLIED,
        EspEventState.IGNORED,
        EspEventState.IGNORED,
      ]);
      expect((await outbox(ids)).map((r) => r.event)).toEqual(['delivered', 'bounce']);
    });
  });

  describe('when bounces and complaints are applied', () => {
    /** An email integration of the account, stored: the suppressions take its channel. */
    async function emailIntegration(accountId: string) {
      const id = randomUUID();
      await db.dataSource.getRepository(EspIntegrationEntity).insert({
        id,
        accountId,
        name: 'esp',
        channel: 'email',
        url: 'http://127.0.0.1/esp',
        payloadTemplate: '{}',
        status: IntegrationStatus.ACTIVE,
        identifierType: 'email',
        authType: 'none',
      });
      return { id, accountId };
    }
    const suppressions = (accountId: string) =>
      new SuppressionsRepository(db.sql)
        .list(accountId, { afterId: 0, limit: 100 })
        .then((rows) =>
          rows.map((r) => [r.channel, r.address, r.reason, r.source]).sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
        );

    it('suppresses a hard bounce and a complaint once, and neither a soft bounce nor another account', async () => {
      const accountId = await db.accountWithContacts(4);
      const other = await db.accountWithContacts(4);
      const integration = await emailIntegration(accountId);
      const { ids, espIds } = await sentSendout(accountId, integration.id, 4, `f${serial}`);
      const otherIntegration = await emailIntegration(other);
      await sentSendout(other, otherIntegration.id, 4, `g${serial}`);
      // an email API recipient: the address it named is the one suppressed
      await db.sql.run(
        `INSERT INTO email_messages (account_id, sendout_id, contact_id, message_id, to_address, created_at)
         SELECT ?, sendout_id, contact_id, ?, ?, created_at FROM messages WHERE id = ?`,
        [accountId, `em-${serial}`, ' Named@Example.COM', ids[3]],
      );
      const bounce = (espMessageId: string, type: string, code: string) =>
        event({ espMessageId, status: 'bounce', espStatus: 'UNDELIVERABLE', type, code, reason: 'from the ESP' });

      await receiveAndApply(integration, [
        bounce(espIds[0], 'Bounce', '5.1.1'),
        bounce(espIds[1], 'Complaint', 'complaint'),
        bounce(espIds[2], 'Soft', '4.2.2'),
        bounce(espIds[3], 'Bounce', '5.1.1'),
      ]);
      // a repeat of the hard bounce, under another hash: the entry stays the first one
      await receiveAndApply(integration, [bounce(espIds[0], 'Bounce', '5.1.1')]);

      expect((await db.states(ids)).map((m) => m.state)).toEqual(new Array(4).fill(MessageState.BOUNCED));
      expect(await suppressions(accountId)).toEqual([
        ['email', 'c-1@example.com', 'hard_bounce', `bounce of message ${ids[0]}`],
        ['email', 'c-2@example.com', 'complaint', `complaint on message ${ids[1]}`],
        ['email', 'named@example.com', 'hard_bounce', `bounce of message ${ids[3]}`],
      ]);
      expect(await suppressions(other)).toEqual([]);
    });

    it('suppresses nothing for an event that matched no message of the integration', async () => {
      const accountId = await db.accountWithContacts(1);
      const integration = await emailIntegration(accountId);
      const elsewhere = await emailIntegration(accountId);
      const { espIds } = await sentSendout(accountId, elsewhere.id, 1, `h${serial}`);

      await receiveAndApply(integration, [event({ espMessageId: espIds[0], status: 'bounce', type: 'Bounce', code: '5.1.1' })]);

      expect(await suppressions(accountId)).toEqual([]);
    });
  });
});
