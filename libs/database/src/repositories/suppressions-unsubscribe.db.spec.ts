import { randomUUID } from 'node:crypto';
import { Channel, MessageState } from '@sendgate/domain';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { sendoutRow } from '../../../../test/sendout-row';
import { EspIntegrationEntity, IntegrationStatus, SendoutEntity } from '../entities';
import { ContactsRepository } from './contacts.repository';
import { SuppressionsRepository } from './suppressions.repository';

describeOnEachDatabase((db) => {
  let sut: SuppressionsRepository;
  beforeAll(() => {
    sut = new SuppressionsRepository(db.sql);
  });

  /** A sendout of a new account over an integration of `channel`, with one message to contact c-1 (an email and a phone). */
  async function oneMessage(channel: Channel) {
    const accountId = await db.account();
    await new ContactsRepository(db.sql).upsertMany(accountId, [{ externalId: 'c-1', email: 'Ann@Example.com', phone: '+441234567890' }]);
    const integrationId = randomUUID();
    await db.dataSource.getRepository(EspIntegrationEntity).insert({
      id: integrationId,
      accountId,
      name: 'esp',
      channel,
      url: 'http://127.0.0.1/esp',
      payloadTemplate: '{}',
      status: IntegrationStatus.ACTIVE,
      identifierType: channel === Channel.SMS ? 'phone' : 'email',
      authType: 'none',
    });
    const sendoutId = randomUUID();
    await db.dataSource.getRepository(SendoutEntity).insert(sendoutRow({ id: sendoutId, accountId, integrationId }));
    const { ids } = await db.messages(accountId, 1, MessageState.SENT, sendoutId);
    return { accountId, sendoutId, messageId: ids[0] };
  }

  const entries = (accountId: string) =>
    sut.list(accountId, { afterId: 0, limit: 10 }).then((rows) => rows.map((r) => [r.channel, r.address, r.reason, r.source]));

  describe("when a message's unsubscribe link is followed", () => {
    it("lists the message's address for the sendout's channel once, however often it is followed", async () => {
      const { accountId, sendoutId, messageId } = await oneMessage(Channel.EMAIL);

      expect(await sut.unsubscribe(accountId, messageId)).toBe(true);
      expect(await sut.unsubscribe(accountId, messageId)).toBe(false);

      expect(await entries(accountId)).toEqual([['email', 'ann@example.com', 'unsubscribed', `unsubscribe link, sendout ${sendoutId}`]]);
    });

    it('lists the phone of an SMS message', async () => {
      const { accountId, sendoutId, messageId } = await oneMessage(Channel.SMS);

      await sut.unsubscribe(accountId, messageId);

      expect(await entries(accountId)).toEqual([['sms', '+441234567890', 'unsubscribed', `unsubscribe link, sendout ${sendoutId}`]]);
    });

    it('keeps the reason an address was first listed for', async () => {
      const { accountId, messageId } = await oneMessage(Channel.EMAIL);
      await sut.add(accountId, [{ channel: Channel.EMAIL, address: 'ann@example.com', reason: 'hard_bounce', source: 'bounce' }]);

      expect(await sut.unsubscribe(accountId, messageId)).toBe(false);
      expect((await entries(accountId)).map((e) => e[2])).toEqual(['hard_bounce']);
    });

    it("adds nothing for a message named with another account's id", async () => {
      const { accountId, messageId } = await oneMessage(Channel.EMAIL);
      const other = await db.account();

      expect(await sut.unsubscribe(other, messageId)).toBe(false);
      expect(await entries(other)).toEqual([]);
      expect(await entries(accountId)).toEqual([]);
    });
  });
});
