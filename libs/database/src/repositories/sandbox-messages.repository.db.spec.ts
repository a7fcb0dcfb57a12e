import { randomUUID } from 'node:crypto';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { sendoutRow } from '../../../../test/sendout-row';
import { EspIntegrationEntity, IntegrationStatus, SendoutEntity } from '../entities';
import { SandboxMessagesRepository } from './sandbox-messages.repository';

describeOnEachDatabase((db) => {
  let sut: SandboxMessagesRepository;
  beforeAll(() => {
    sut = new SandboxMessagesRepository(db.sql);
  });

  const receive = (accountId: string, key: string) =>
    sut.insert({ accountId, idempotencyKey: key, to: `${key}@example.com`, payloadJson: JSON.stringify({ key }) });

  describe('when the same message is posted twice', () => {
    it('keeps one row', async () => {
      const accountId = await db.account();
      const key = `${randomUUID()}:1`;

      await receive(accountId, key);
      await receive(accountId, key);

      expect((await sut.list(accountId, 10)).map((m) => m.idempotencyKey)).toEqual([key]);
    });
  });

  describe('when an account lists its messages a page at a time', () => {
    it('answers them newest first, each once, and none of another account', async () => {
      const accountId = await db.account();
      const otherAccountId = await db.account();
      const prefix = randomUUID();
      for (const n of [1, 2, 3, 4, 5]) await receive(accountId, `${prefix}:${n}`);
      await receive(otherAccountId, `${prefix}:other`);

      const first = await sut.list(accountId, 2);
      const second = await sut.list(accountId, 2, first[first.length - 1].id);
      const third = await sut.list(accountId, 2, second[second.length - 1].id);

      expect([...first, ...second, ...third].map((m) => m.idempotencyKey)).toEqual([5, 4, 3, 2, 1].map((n) => `${prefix}:${n}`));
      expect(first[0]).toMatchObject({ to: `${prefix}:5@example.com`, payload: { key: `${prefix}:5` } });
      expect(first[0].receivedAt).toBeInstanceOf(Date);
    });
  });

  describe('when old messages are purged', () => {
    it('deletes only what was received before the cutoff', async () => {
      const accountId = await db.account();
      const prefix = randomUUID();
      for (const n of [1, 2, 3]) await receive(accountId, `${prefix}:${n}`);
      const cutoff = new Date(Date.now() - 60_000);
      await db.sql.run('UPDATE sandbox_messages SET created_at = ? WHERE idempotency_key IN (?, ?)', [
        db.sql.dialect.timestamp(new Date(cutoff.getTime() - 1_000)),
        `${prefix}:1`,
        `${prefix}:2`,
      ]);

      expect(await sut.purgeReceivedBefore(cutoff)).toBeGreaterThanOrEqual(2);

      expect((await sut.list(accountId, 10)).map((m) => m.idempotencyKey)).toEqual([`${prefix}:3`]);
    });
  });

  describe('when delivery callbacks are planned with the messages', () => {
    it('answers the due ones with the integration of their sendout, until they are posted or postponed', async () => {
      const accountId = await db.account();
      const integrationId = randomUUID();
      const integration: Partial<EspIntegrationEntity> = {
        id: integrationId,
        accountId,
        name: 'sandbox',
        channel: 'email',
        url: 'http://127.0.0.1/sandbox/esp/messages',
        payloadTemplate: '{}',
        status: IntegrationStatus.ACTIVE,
        identifierType: 'email',
        authType: 'none',
        feedbackMapping: { preset: 'sandbox' },
      };
      await db.dataSource.getRepository(EspIntegrationEntity).insert(integration);
      const sendout = sendoutRow({ id: randomUUID(), accountId, integrationId });
      await db.dataSource.getRepository(SendoutEntity).insert(sendout);
      const past = new Date(Date.now() - 1_000);
      const plan = (outcome: string, dueAt: Date) => ({ outcome, outcomeType: outcome === 'bounce' ? 'Complaint' : null, dueAt });
      const keys = [1, 2, 3, 4].map((n) => `${sendout.id}:${n}`);
      await sut.insert({ accountId, idempotencyKey: keys[0], to: 'a@x.test', payloadJson: '{}', callback: plan('delivered', past) });
      await sut.insert({ accountId, idempotencyKey: keys[1], to: 'b@x.test', payloadJson: '{}', callback: plan('bounce', past) });
      await sut.insert({
        accountId,
        idempotencyKey: keys[2],
        to: 'c@x.test',
        payloadJson: '{}',
        callback: plan('delivered', new Date(Date.now() + 60_000)),
      });
      await sut.insert({ accountId, idempotencyKey: keys[3], to: 'd@x.test', payloadJson: '{}' });
      const mine = async () => (await sut.dueCallbacks(new Date(), 10_000)).filter((c) => keys.includes(c.idempotencyKey));

      const due = await mine();
      expect(due.map((c) => c.feedbackMapping)).toEqual([{ preset: 'sandbox' }, { preset: 'sandbox' }]);
      expect(due.map((c) => [c.idempotencyKey, c.outcome, c.outcomeType, c.integrationId])).toEqual(
        [
          [keys[0], 'delivered', null, null],
          [keys[1], 'bounce', 'Complaint', null],
        ].map(([k, o, t]) => [k, o, t, integrationId]),
      );

      await sut.postponeCallbacks([due[0].id], new Date(Date.now() + 60_000));
      await sut.clearCallbacks([due[1].id]);
      expect(await mine()).toEqual([]);
    });
  });
});
