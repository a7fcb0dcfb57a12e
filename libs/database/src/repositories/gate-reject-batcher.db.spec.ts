import { randomUUID } from 'node:crypto';
import { GateState, MessageState } from '@sendgate/domain';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { sendoutRow } from '../../../../test/sendout-row';
import { SendoutEntity } from '../entities';
import { Sql } from '../sql';
import { GateRejectBatcher } from './gate-reject-batcher';
import { GateRepository } from './gate.repository';
import { MessagesRepository } from './messages.repository';

const HOUR = 3_600_000;
const TIMED_OUT_REASON = 'no answer from the send gate before its deadline';

describeOnEachDatabase((db) => {
  let gates: GateRepository;
  let messages: MessagesRepository;
  beforeAll(() => {
    gates = new GateRepository(db.sql);
    messages = new MessagesRepository(db.sql);
  });
  afterEach(() => jest.restoreAllMocks());

  /** A batcher that flushes when `size` rejects have joined (the window is long enough never to end first). */
  function batcherOf(size: number) {
    const flushes = jest.spyOn(gates, 'rejectMany');
    return { sut: new GateRejectBatcher(gates, { windowMs: HOUR, maxSize: size, concurrency: 2 }), flushes };
  }

  /** A gated sendout of `count` messages with an open gate, reporting to one feedback webhook. */
  async function gatedSendout(count: number) {
    const accountId = await db.accountWithContacts(count);
    const sendout = sendoutRow({ id: randomUUID(), accountId, integrationId: randomUUID() });
    await db.dataSource.getRepository(SendoutEntity).insert(sendout);
    const { sendoutId, ids } = await db.messages(accountId, count, MessageState.GATED, sendout.id as ReturnType<typeof randomUUID>);
    await db.sql.run('INSERT INTO sendout_feedback_webhooks (sendout_id, webhook_id) VALUES (?, ?)', [sendoutId, randomUUID()]);
    await gates.open(sendoutId, HOUR);
    return { sendoutId, ids };
  }

  /** What closeGate does at the deadline: the gate times out, then its still-gated messages follow. */
  async function closeAtDeadline(sendoutId: string): Promise<void> {
    await gates.decide(sendoutId, GateState.TIMED_OUT, 'timer');
    await messages.transition(sendoutId, [MessageState.GATED], MessageState.TIMED_OUT, TIMED_OUT_REASON, undefined, { feedback: true });
  }

  const excludeRows = async (ids: number[]) =>
    (
      await db.sql.all<{ message_id: number | string; event: string }>(
        `SELECT message_id, event FROM feedback_deliveries
         WHERE message_id IN (${db.sql.dialect.placeholders(ids.length)}) ORDER BY message_id`,
        ids,
      )
    ).map((r) => [Number(r.message_id), r.event]);

  describe('when rejects of different messages arrive together', () => {
    it('commits them in one flush and answers each caller its own result', async () => {
      const { sendoutId, ids } = await gatedSendout(4);
      const { sut, flushes } = batcherOf(4);

      const answers = await Promise.all(ids.map((id, i) => sut.reject(sendoutId, id, `reason ${i}`)));

      expect(flushes).toHaveBeenCalledTimes(1);
      expect(answers).toEqual(ids.map(() => ({ changed: true, state: MessageState.REJECTED })));
      expect((await db.states(ids)).map((m) => [m.state, m.reason])).toEqual(ids.map((_, i) => [MessageState.REJECTED, `reason ${i}`]));
    });
  });

  describe('while a batch is committing', () => {
    it('holds the rejects that arrive meanwhile and commits them together as soon as it has committed', async () => {
      const { sendoutId, ids } = await gatedSendout(4);
      const rejectMany = gates.rejectMany.bind(gates);
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => (commit = resolve));
      const flushes = jest.spyOn(gates, 'rejectMany').mockImplementationOnce(async (requests) => {
        await committing;
        return rejectMany(requests);
      });
      const sut = new GateRejectBatcher(gates, { windowMs: 0, maxSize: 500, concurrency: 1 });

      const first = sut.reject(sendoutId, ids[0], null);
      await new Promise((resolve) => setImmediate(resolve)); // the first batch, of one, has started
      const rest = ids.slice(1).map((id) => sut.reject(sendoutId, id, null));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const whileCommitting = flushes.mock.calls.length;
      commit();
      const answers = await Promise.all([first, ...rest]);

      expect(whileCommitting).toBe(1);
      expect(flushes.mock.calls.map(([requests]) => requests.map((r) => r.messageId))).toEqual([[ids[0]], ids.slice(1)]);
      expect(answers).toEqual(ids.map(() => ({ changed: true, state: MessageState.REJECTED })));
      expect((await db.states(ids)).map((m) => m.state)).toEqual(ids.map(() => MessageState.REJECTED));
    });
  });

  describe('when one message is rejected twice in one batch', () => {
    it('lets the first change it and tells the second it is already rejected, as two calls in a row would', async () => {
      const { sendoutId, ids } = await gatedSendout(1);
      const { sut } = batcherOf(2);

      const answers = await Promise.all([sut.reject(sendoutId, ids[0], 'first'), sut.reject(sendoutId, ids[0], 'second')]);

      expect(answers).toEqual([
        { changed: true, state: MessageState.REJECTED },
        { changed: false, state: MessageState.REJECTED },
      ]);
      expect((await db.states(ids))[0]).toMatchObject({ state: MessageState.REJECTED, reason: 'first' });
    });
  });

  describe('when a message of the batch is already on its way', () => {
    it('leaves it and answers its state, while the rest of the batch is rejected', async () => {
      const { sendoutId, ids } = await gatedSendout(3);
      await db.sql.run('UPDATE messages SET state = ? WHERE id = ?', [MessageState.SENT, ids[0]]);
      await db.sql.run('UPDATE messages SET state = ? WHERE id = ?', [MessageState.ACCEPTED, ids[1]]);
      const { sut } = batcherOf(3);

      const answers = await Promise.all(ids.map((id) => sut.reject(sendoutId, id, null)));

      expect(answers).toEqual([
        { changed: false, state: MessageState.SENT },
        { changed: true, state: MessageState.REJECTED }, // accepted but not claimed for sending yet
        { changed: true, state: MessageState.REJECTED },
      ]);
      expect((await db.states(ids)).map((m) => m.state)).toEqual([MessageState.SENT, MessageState.REJECTED, MessageState.REJECTED]);
    });
  });

  describe('when a batch mixes sendouts', () => {
    it('rejects each message for its own sendout and finds none for a token naming another sendout', async () => {
      const first = await gatedSendout(2);
      const second = await gatedSendout(2);
      const { sut } = batcherOf(4);

      const answers = await Promise.all([
        sut.reject(first.sendoutId, first.ids[0], null),
        sut.reject(second.sendoutId, second.ids[1], null),
        sut.reject(second.sendoutId, first.ids[1], null),
        sut.reject(first.sendoutId, 2 ** 40, null),
      ]);

      expect(answers).toEqual([
        { changed: true, state: MessageState.REJECTED },
        { changed: true, state: MessageState.REJECTED },
        { changed: false, state: undefined },
        { changed: false, state: undefined },
      ]);
      expect((await db.states([...first.ids, ...second.ids])).map((m) => m.state)).toEqual([
        MessageState.REJECTED,
        MessageState.GATED,
        MessageState.GATED,
        MessageState.REJECTED,
      ]);
    });
  });

  describe('when the sendout reports to a feedback webhook', () => {
    it('queues one exclude event for each message the batch changed, and none for the others', async () => {
      const { sendoutId, ids } = await gatedSendout(4);
      await gates.reject(sendoutId, ids[2], 'earlier'); // already rejected (and reported) before the batch
      await db.sql.run('UPDATE messages SET state = ? WHERE id = ?', [MessageState.SENT, ids[3]]);
      const before = await excludeRows(ids);
      const { sut } = batcherOf(5);

      await Promise.all([
        sut.reject(sendoutId, ids[0], null),
        sut.reject(sendoutId, ids[1], null),
        sut.reject(sendoutId, ids[1], null),
        sut.reject(sendoutId, ids[2], null),
        sut.reject(sendoutId, ids[3], null),
      ]);

      expect(before).toEqual([[ids[2], 'exclude']]);
      expect(await excludeRows(ids)).toEqual([
        [ids[0], 'exclude'],
        [ids[1], 'exclude'],
        [ids[2], 'exclude'],
      ]);
    });
  });

  describe('when the gate closes', () => {
    it('keeps a reject committed before the close: the message stays rejected and the rest time out', async () => {
      const { sendoutId, ids } = await gatedSendout(3);
      const { sut } = batcherOf(1);

      const answer = await sut.reject(sendoutId, ids[0], null);
      await closeAtDeadline(sendoutId);

      expect(answer).toEqual({ changed: true, state: MessageState.REJECTED });
      expect(await messages.countByState(sendoutId)).toEqual({ [MessageState.REJECTED]: 1, [MessageState.TIMED_OUT]: 2 });
    });

    it('refuses a reject that comes after the close and answers the timed-out state', async () => {
      const { sendoutId, ids } = await gatedSendout(3);
      const { sut } = batcherOf(2);

      await closeAtDeadline(sendoutId);
      const answers = await Promise.all([sut.reject(sendoutId, ids[0], null), sut.reject(sendoutId, ids[1], null)]);

      expect(answers).toEqual([
        { changed: false, state: MessageState.TIMED_OUT },
        { changed: false, state: MessageState.TIMED_OUT },
      ]);
      expect(await messages.countByState(sendoutId)).toEqual({ [MessageState.TIMED_OUT]: 3 });
    });

    it('makes a close that comes between the batch reading its messages and rejecting them wait for the batch', async () => {
      const { sendoutId, ids } = await gatedSendout(4);
      const all = Sql.prototype.all;
      let closing: Promise<void> | undefined;
      jest.spyOn(Sql.prototype, 'all').mockImplementation(async function (this: Sql, sql: string, params?: unknown[]) {
        const rows = await all.call(this, sql, params);
        if (sql.includes('FROM messages WHERE id IN') && !closing) {
          closing = closeAtDeadline(sendoutId);
          await new Promise((resolve) => setTimeout(resolve, 300)); // room for the close to reach the rows first, were they not locked
        }
        return rows as never;
      });
      const { sut } = batcherOf(2);

      const answers = await Promise.all([sut.reject(sendoutId, ids[0], null), sut.reject(sendoutId, ids[1], null)]);
      await closing;

      expect(answers).toEqual([
        { changed: true, state: MessageState.REJECTED },
        { changed: true, state: MessageState.REJECTED },
      ]);
      expect(await messages.countByState(sendoutId)).toEqual({ [MessageState.REJECTED]: 2, [MessageState.TIMED_OUT]: 2 });
    });

    it('tells each racing caller what the database kept', async () => {
      const { sendoutId, ids } = await gatedSendout(20);
      const { sut } = batcherOf(10);
      const rejected = ids.slice(0, 10);

      const [answers] = await Promise.all([Promise.all(rejected.map((id) => sut.reject(sendoutId, id, null))), closeAtDeadline(sendoutId)]);

      const states = await db.states(rejected);
      expect(answers.map((a) => a.state)).toEqual(states.map((m) => m.state));
      const changed = answers.filter((a) => a.changed).length;
      expect(await messages.countByState(sendoutId)).toEqual({
        ...(changed > 0 ? { [MessageState.REJECTED]: changed } : {}),
        [MessageState.TIMED_OUT]: 20 - changed,
      });
    });
  });

  describe('when the batch fails', () => {
    it('gives every caller the error and leaves every message as it was', async () => {
      const { sendoutId, ids } = await gatedSendout(3);
      const run = Sql.prototype.run;
      jest.spyOn(Sql.prototype, 'run').mockImplementation(function (this: Sql, sql: string, params?: unknown[]) {
        if (sql.includes('INTO feedback_deliveries')) return Promise.reject(new Error('the outbox is unavailable'));
        return run.call(this, sql, params);
      });
      const { sut } = batcherOf(3);

      const answers = await Promise.allSettled(ids.map((id) => sut.reject(sendoutId, id, null)));

      expect(answers.map((a) => a.status === 'rejected' && (a.reason as Error).message)).toEqual(
        ids.map(() => 'the outbox is unavailable'),
      );
      expect((await db.states(ids)).map((m) => m.state)).toEqual(ids.map(() => MessageState.GATED));
    });

    it('retries a lost deadlock once', async () => {
      const { sendoutId, ids } = await gatedSendout(2);
      const all = Sql.prototype.all;
      let lost = 0;
      jest.spyOn(Sql.prototype, 'all').mockImplementation(function (this: Sql, sql: string, params?: unknown[]) {
        if (sql.includes('FROM messages WHERE id IN') && lost++ === 0)
          return Promise.reject(Object.assign(new Error('Deadlock found when trying to get lock'), { errno: 1213 }));
        return all.call(this, sql, params);
      });
      const { sut } = batcherOf(2);

      const answers = await Promise.all(ids.map((id) => sut.reject(sendoutId, id, null)));

      expect(answers).toEqual(ids.map(() => ({ changed: true, state: MessageState.REJECTED })));
      expect(lost).toBe(2);
    });
  });
});
