import { randomUUID } from 'node:crypto';
import { GateState, MessageState } from '@sendgate/domain';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { GateRepository } from './gate.repository';

const MINUTE = 60_000;

describeOnEachDatabase((db) => {
  let sut: GateRepository;
  beforeAll(() => {
    sut = new GateRepository(db.sql);
  });

  describe('when the gate is opened twice', () => {
    it('keeps the first deadline', async () => {
      const sendoutId = randomUUID();
      const openedAt = new Date('2030-01-01T10:00:00.000Z');

      const first = await sut.open(sendoutId, 15 * MINUTE, openedAt);
      const again = await sut.open(sendoutId, 60 * MINUTE, new Date(openedAt.getTime() + MINUTE));

      expect(first).toMatchObject({
        state: GateState.OPEN,
        expiresAt: new Date('2030-01-01T10:15:00.000Z'),
        notifyAttempts: 0,
        decidedBy: null,
      });
      expect(again).toEqual(first);
    });
  });

  describe('when integrator, timer and operator race to decide', () => {
    it('lets exactly the first one win', async () => {
      const sendoutId = randomUUID();
      const now = new Date('2030-01-01T10:00:00.000Z');
      await sut.open(sendoutId, 15 * MINUTE, now);

      const outcomes = await Promise.all([
        sut.decide(sendoutId, GateState.ACCEPTED, 'integrator', now),
        sut.decide(sendoutId, GateState.TIMED_OUT, 'timer', now),
        sut.decide(sendoutId, GateState.CANCELED, 'operator', now),
      ]);

      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const row = await sut.find(sendoutId);
      expect(row?.state).toBe([GateState.ACCEPTED, GateState.TIMED_OUT, GateState.CANCELED][outcomes.indexOf(true)]);
    });
  });

  describe('when the integrator accepts at the deadline', () => {
    it('refuses the accept and lets the timeout win', async () => {
      const sendoutId = randomUUID();
      const openedAt = new Date('2030-01-01T10:00:00.000Z');
      await sut.open(sendoutId, 15 * MINUTE, openedAt);
      const deadline = new Date(openedAt.getTime() + 15 * MINUTE);

      expect(await sut.decide(sendoutId, GateState.ACCEPTED, 'integrator', deadline)).toBe(false);
      expect(await sut.decide(sendoutId, GateState.TIMED_OUT, 'timer', deadline)).toBe(true);
      expect(await sut.find(sendoutId)).toMatchObject({ state: GateState.TIMED_OUT, decidedBy: 'timer' });
    });
  });

  describe('when a contact is rejected', () => {
    it('rejects a message not yet claimed, and only once', async () => {
      const accountId = await db.accountWithContacts(1);
      const { sendoutId, ids } = await db.messages(accountId, 1, MessageState.GATED);

      expect(await sut.reject(sendoutId, ids[0], 'no consent')).toEqual({ changed: true, state: MessageState.REJECTED });
      expect(await sut.reject(sendoutId, ids[0], 'again')).toEqual({ changed: false, state: MessageState.REJECTED });
      expect((await db.states(ids))[0].reason).toBe('no consent');
    });

    it('leaves a message already on its way and answers its state', async () => {
      const accountId = await db.accountWithContacts(1);
      const { sendoutId, ids } = await db.messages(accountId, 1, MessageState.SENDING);

      expect(await sut.reject(sendoutId, ids[0], null)).toEqual({ changed: false, state: MessageState.SENDING });
    });

    it('finds no message of another sendout', async () => {
      const accountId = await db.accountWithContacts(1);
      const { ids } = await db.messages(accountId, 1, MessageState.GATED);

      expect(await sut.reject(randomUUID(), ids[0], null)).toEqual({ changed: false, state: undefined });
      expect((await db.states(ids))[0].state).toBe(MessageState.GATED);
    });
  });

  describe('when gate data is stored twice for a contact', () => {
    it('keeps the latest data', async () => {
      const sendoutId = randomUUID();

      await sut.upsertGateData(sendoutId, [
        { externalId: 'c-1', data: { code: 'A' } },
        { externalId: 'c-2', data: { code: 'B' } },
      ]);
      await sut.upsertGateData(sendoutId, [{ externalId: 'c-1', data: { code: 'C' } }]);

      const rows = await db.sql.all<{ external_id: string; data: string }>(
        'SELECT external_id, data FROM gate_data WHERE sendout_id = ? ORDER BY external_id',
        [sendoutId],
      );
      expect(rows.map((r) => [r.external_id, JSON.parse(r.data)])).toEqual([
        ['c-1', { code: 'C' }],
        ['c-2', { code: 'B' }],
      ]);
    });
  });

  describe('when webhook deliveries are recorded', () => {
    it('counts every attempt and keeps the last error and the delivery time', async () => {
      const sendoutId = randomUUID();
      await sut.open(sendoutId, 15 * MINUTE);

      await sut.recordDelivery({ sendoutId, attempt: 1, transport: 'http', status: 503, outcome: 'failed', detail: 'HTTP 503' });
      expect(await sut.find(sendoutId)).toMatchObject({ notifyAttempts: 1, lastNotifyError: 'HTTP 503', notifiedAt: null });
      await sut.recordDelivery({ sendoutId, attempt: 2, transport: 'http', status: 200, outcome: 'delivered' });

      const row = await sut.find(sendoutId);
      expect(row).toMatchObject({ notifyAttempts: 2, lastNotifyError: 'HTTP 503' });
      expect(row?.notifiedAt).toBeInstanceOf(Date);
      const deliveries = await db.sql.all<{ attempt: number | string; outcome: string }>(
        'SELECT attempt, outcome FROM gate_deliveries WHERE sendout_id = ? ORDER BY attempt',
        [sendoutId],
      );
      expect(deliveries.map((d) => [Number(d.attempt), d.outcome])).toEqual([
        [1, 'failed'],
        [2, 'delivered'],
      ]);
    });
  });
});
