import { randomUUID } from 'node:crypto';
import { GateState, MessageState } from '@sendgate/domain';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { GateRepository } from './gate.repository';
import { MessagesRepository } from './messages.repository';

describeOnEachDatabase((db) => {
  let sut: MessagesRepository;
  beforeAll(() => {
    sut = new MessagesRepository(db.sql);
  });

  describe('when a segment is generated a keyset page at a time', () => {
    it('inserts each matching contact once, in contact order, and resumes after the last page', async () => {
      const accountId = await db.accountWithContacts(7, (i) => ({ tier: i % 2 === 1 ? 'gold' : 'silver' }));
      await db.accountWithContacts(3, () => ({ tier: 'gold' })); // another account's gold contacts stay out
      const sendoutId = randomUUID();
      const page = () =>
        sut.generateSegmentPage({
          sendoutId,
          accountId,
          filter: { all: [{ attribute: 'tier', op: 'eq', value: 'gold' }] },
          state: MessageState.ACCEPTED,
          pageSize: 3,
        });

      expect([await page(), await page(), await page()]).toEqual([3, 1, 0]);

      const messages = await sut.contactsPage(sendoutId, 0, 100);
      expect(messages.map((m) => m.externalId)).toEqual(['c-1', 'c-3', 'c-5', 'c-7']);
      const keys = await db.sql.all<{ idempotency_key: string; contact_id: number | string }>(
        'SELECT idempotency_key, contact_id FROM messages WHERE sendout_id = ?',
        [sendoutId],
      );
      expect(keys.every((k) => k.idempotency_key === `${sendoutId}:${k.contact_id}`)).toBe(true);
    });
  });

  describe('when messages are generated for a list of external ids twice', () => {
    it('inserts each known contact once and ignores unknown ids', async () => {
      const accountId = await db.accountWithContacts(3);
      const sendoutId = randomUUID();
      const generate = () =>
        sut.generateForExternalIds({ sendoutId, accountId, externalIds: ['c-1', 'c-3', 'nobody'], state: MessageState.GATED });

      expect(await generate()).toBe(2);
      expect(await generate()).toBe(0);
      expect(await sut.countByState(sendoutId)).toEqual({ [MessageState.GATED]: 2 });
    });
  });

  describe('when pages are planned', () => {
    it('answers contiguous id ranges of at most the page size, after the given id', async () => {
      const accountId = await db.accountWithContacts(5);
      const { sendoutId, ids } = await db.messages(accountId, 5, MessageState.ACCEPTED);

      expect(await sut.planPages(sendoutId, 0, 2, 10)).toEqual([
        [ids[0], ids[1]],
        [ids[2], ids[3]],
        [ids[4], ids[4]],
      ]);
      expect(await sut.planPages(sendoutId, ids[1], 2, 1)).toEqual([[ids[2], ids[3]]]);
    });

    it('spreads a rest shorter than the window over its pages, none under 250 messages', async () => {
      const accountId = await db.accountWithContacts(1_000);
      const { sendoutId, ids } = await db.messages(accountId, 1_000, MessageState.ACCEPTED);
      const sizes = (ranges: Array<[number, number]>) => ranges.map(([from, to]) => ids.indexOf(to) - ids.indexOf(from) + 1);

      // 1,000 left would fill 1 page of 2,000: spread over a window of 4
      expect(sizes(await sut.planPages(sendoutId, 0, 2_000, 4, 4))).toEqual([250, 250, 250, 250]);
      // 400 left: pages of 250 at the least, so 2 and not 4
      expect(sizes(await sut.planPages(sendoutId, ids[599], 2_000, 50, 4))).toEqual([250, 150]);
      // enough for the window: pages of the page size
      expect(sizes(await sut.planPages(sendoutId, 0, 200, 50, 4))).toEqual([200, 200, 200, 200, 200]);
      // more left than the plan reads: not spread
      expect(sizes(await sut.planPages(sendoutId, 0, 400, 2, 4))).toEqual([400, 400]);
      // no window given: pages of the page size
      expect(sizes(await sut.planPages(sendoutId, 0, 2_000, 4))).toEqual([1_000]);
    });

    it('answers the same ranges walking down from the top', async () => {
      const accountId = await db.accountWithContacts(5);
      const { sendoutId, ids } = await db.messages(accountId, 5, MessageState.ACCEPTED);

      expect(await sut.planPagesDownward(sendoutId, undefined, 2, 10)).toEqual([
        [ids[3], ids[4]],
        [ids[1], ids[2]],
        [ids[0], ids[0]],
      ]);
      expect(await sut.planPagesDownward(sendoutId, ids[3], 2, 1)).toEqual([[ids[1], ids[2]]]);
    });
  });

  describe('when a gated batch is claimed for sending', () => {
    it('claims its GATED messages only once the gate in the database is ACCEPTED', async () => {
      const accountId = await db.accountWithContacts(3);
      const { sendoutId, ids } = await db.messages(accountId, 3, MessageState.GATED);
      const gates = new GateRepository(db.sql);
      await gates.open(sendoutId, 60_000);
      await db.sql.run('UPDATE messages SET state = ? WHERE id = ?', [MessageState.REJECTED, ids[1]]);

      expect(await sut.claimRange(sendoutId, [ids[0], ids[2]])).toBe(0);
      expect(await gates.decide(sendoutId, GateState.ACCEPTED, 'integrator')).toBe(true);
      expect(await sut.claimRange(sendoutId, [ids[0], ids[2]])).toBe(2);

      expect((await db.states(ids)).map((m) => m.state)).toEqual([MessageState.SENDING, MessageState.REJECTED, MessageState.SENDING]);
    });

    it('never claims the GATED messages of a gate that timed out', async () => {
      const accountId = await db.accountWithContacts(2);
      const { sendoutId, ids } = await db.messages(accountId, 2, MessageState.GATED);
      const gates = new GateRepository(db.sql);
      await gates.open(sendoutId, 60_000);
      await gates.decide(sendoutId, GateState.TIMED_OUT, 'timer');

      expect(await sut.claimRange(sendoutId, [ids[0], ids[1]])).toBe(0);
    });
  });

  describe('when a range is claimed for sending', () => {
    it('moves only ACCEPTED messages to SENDING, once', async () => {
      const accountId = await db.accountWithContacts(4);
      const { sendoutId, ids } = await db.messages(accountId, 4, MessageState.ACCEPTED);
      await db.sql.run('UPDATE messages SET state = ? WHERE id = ?', [MessageState.REJECTED, ids[1]]);

      expect(await sut.claimRange(sendoutId, [ids[0], ids[3]])).toBe(3);
      expect(await sut.claimRange(sendoutId, [ids[0], ids[3]])).toBe(0);

      expect((await db.states(ids)).map((m) => [m.state, m.attempts])).toEqual([
        [MessageState.SENDING, 1],
        [MessageState.REJECTED, 0],
        [MessageState.SENDING, 1],
        [MessageState.SENDING, 1],
      ]);
    });

    it('loads the claimed messages in keyset slices with their contact and gate data', async () => {
      const accountId = await db.accountWithContacts(3, (i) => ({ n: i }));
      const { sendoutId, ids } = await db.messages(accountId, 3, MessageState.ACCEPTED);
      await db.sql.run('INSERT INTO gate_data (sendout_id, external_id, data, updated_at) VALUES (?, ?, ?, ?)', [
        sendoutId,
        'c-2',
        JSON.stringify({ code: 'X1' }),
        db.sql.dialect.timestamp(new Date()),
      ]);
      await sut.claimRange(sendoutId, [ids[0], ids[2]]);

      const first = await sut.loadClaimed(sendoutId, [ids[0], ids[2]], ids[0] - 1, 2);
      const rest = await sut.loadClaimed(sendoutId, [ids[0], ids[2]], first[1].id, 2);

      expect(first.map((m) => m.externalId)).toEqual(['c-1', 'c-2']);
      expect(first[1]).toMatchObject({ attributes: { n: 2 }, gateData: { code: 'X1' }, email: 'c-2@example.com' });
      expect(first[0].gateData).toEqual({});
      expect(rest.map((m) => m.externalId)).toEqual(['c-3']);
    });
  });

  describe('when outcomes are recorded', () => {
    it('finishes only messages still SENDING, keeping ESP ids and failure reasons', async () => {
      const accountId = await db.accountWithContacts(4);
      const { sendoutId, ids } = await db.messages(accountId, 4, MessageState.ACCEPTED);
      await sut.claimRange(sendoutId, [ids[0], ids[3]]);
      await sut.transition(sendoutId, [MessageState.SENDING], MessageState.CANCELED, 'cancelled', [ids[3], ids[3]]);

      expect(await sut.markSent([{ id: ids[0], espMessageId: 'esp-1' }, { id: ids[1] }, { id: ids[3] }])).toBe(2);
      expect(
        await sut.markFailed([
          { id: ids[2], reason: 'ESP answered 422' },
          { id: ids[0], reason: 'too late' },
        ]),
      ).toBe(1);

      expect((await db.states(ids)).map((m) => [m.state, m.reason])).toEqual([
        [MessageState.SENT, null],
        [MessageState.SENT, null],
        [MessageState.FAILED, 'ESP answered 422'],
        [MessageState.CANCELED, 'cancelled'],
      ]);
      const esp = await db.sql.one<{ esp_message_id: string | null }>('SELECT esp_message_id FROM messages WHERE id = ?', [ids[0]]);
      expect(esp?.esp_message_id).toBe('esp-1');
      expect(await sut.countRange(sendoutId, [ids[0], ids[2]])).toEqual({ [MessageState.SENT]: 2, [MessageState.FAILED]: 1 });
    });

    it('cuts a long reason to what the column holds', async () => {
      const accountId = await db.accountWithContacts(1);
      const { sendoutId, ids } = await db.messages(accountId, 1, MessageState.ACCEPTED);
      await sut.claimRange(sendoutId, [ids[0], ids[0]]);

      await sut.markFailed([{ id: ids[0], reason: 'x'.repeat(2_000) }]);

      expect((await db.states(ids))[0].reason).toHaveLength(500);
    });
  });

  describe('when a transition is limited to a range', () => {
    it('moves only the range and only from the given states', async () => {
      const accountId = await db.accountWithContacts(4);
      const { sendoutId, ids } = await db.messages(accountId, 4, MessageState.GATED);
      await db.sql.run('UPDATE messages SET state = ? WHERE id = ?', [MessageState.REJECTED, ids[1]]);

      expect(await sut.transition(sendoutId, [MessageState.GATED], MessageState.TIMED_OUT, 'gate timed out', [ids[0], ids[2]])).toBe(2);

      expect((await db.states(ids)).map((m) => m.state)).toEqual([
        MessageState.TIMED_OUT,
        MessageState.REJECTED,
        MessageState.TIMED_OUT,
        MessageState.GATED,
      ]);
    });
  });

  describe('when contacts are listed a page at a time', () => {
    it('walks every message of a state once, in id order', async () => {
      const accountId = await db.accountWithContacts(5);
      const { sendoutId, ids } = await db.messages(accountId, 5, MessageState.ACCEPTED);
      await sut.transition(sendoutId, [MessageState.ACCEPTED], MessageState.REJECTED, 'no consent', [ids[1], ids[3]]);

      const first = await sut.contactsPage(sendoutId, 0, 2, MessageState.REJECTED);
      const second = await sut.contactsPage(sendoutId, first[first.length - 1].messageId, 2, MessageState.REJECTED);

      expect(first.map((m) => m.externalId)).toEqual(['c-2', 'c-3']);
      expect(second).toEqual([{ messageId: ids[3], externalId: 'c-4', email: 'c-4@example.com', phone: null, reason: 'no consent' }]);
    });
  });
});
