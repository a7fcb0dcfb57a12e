import { randomUUID } from 'node:crypto';
import { MessageState, SendoutAudience, SendoutStage } from '@sendgate/domain';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { sendoutRow } from '../../../../test/sendout-row';
import { JourneyRunsRepository } from './journey-runs.repository';
import { SendoutsRepository } from './sendouts.repository';

describeOnEachDatabase((db) => {
  let sut: JourneyRunsRepository;
  beforeAll(() => {
    sut = new JourneyRunsRepository(db.sql);
  });

  describe('when a journey is run again and again', () => {
    it('numbers its runs 1, 2, 3, each with its own workflow id, apart from another journey', async () => {
      const accountId = await db.account();
      const [journeyId, other] = [randomUUID(), randomUUID()];
      const first = await sut.create({ accountId, journeyId, version: 1, segmentId: 'seg-1' });
      await sut.create({ accountId, journeyId: other, version: 4 });
      const second = await sut.create({ accountId, journeyId, version: 2, contactIds: ['a', 'b'] });
      const third = await sut.create({ accountId, journeyId, version: 2 });

      expect([first.runNumber, second.runNumber, third.runNumber]).toEqual([1, 2, 3]);
      expect((await sut.find(accountId, other, 1))?.version).toBe(4);
      expect(first).toMatchObject({
        accountId,
        journeyId,
        version: 1,
        workflowId: `journey-${journeyId}-run-1`,
        stage: 'RUNNING',
        segmentId: 'seg-1',
        contactIds: null,
        lastError: null,
        completedAt: null,
      });
      expect(first.createdAt).toBeInstanceOf(Date);
      expect(second).toMatchObject({ segmentId: null, contactIds: ['a', 'b'], workflowId: `journey-${journeyId}-run-2` });
    });
  });

  describe('when runs of one journey start concurrently', () => {
    it('gives each its own number', async () => {
      const accountId = await db.account();
      const journeyId = randomUUID();
      const runs = await Promise.all(Array.from({ length: 8 }, () => sut.create({ accountId, journeyId, version: 1 })));
      expect(runs.map((r) => r.runNumber).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(new Set(runs.map((r) => r.id)).size).toBe(8);
    });
  });

  describe('when another account asks for a run', () => {
    it('finds nothing and lists nothing', async () => {
      const [mine, theirs] = [await db.account(), await db.account()];
      const journeyId = randomUUID();
      const run = await sut.create({ accountId: mine, journeyId, version: 1 });

      expect(await sut.find(theirs, journeyId, 1)).toBeUndefined();
      expect(await sut.list(theirs, journeyId, { limit: 10 })).toEqual([]);
      expect((await sut.find(mine, journeyId, 1))?.id).toBe(run.id);
      expect((await sut.findById(run.id))?.runNumber).toBe(1);
    });
  });

  describe('when the runs are listed', () => {
    it('pages them newest first after a run number', async () => {
      const accountId = await db.account();
      const journeyId = randomUUID();
      for (let i = 0; i < 5; i++) await sut.create({ accountId, journeyId, version: 1 });

      const first = await sut.list(accountId, journeyId, { limit: 2 });
      expect(first.map((r) => r.runNumber)).toEqual([5, 4]);
      const next = await sut.list(accountId, journeyId, { afterRunNumber: 4, limit: 10 });
      expect(next.map((r) => r.runNumber)).toEqual([3, 2, 1]);
    });
  });

  describe('when a run ends', () => {
    it('ends only a running run, and the first end stands', async () => {
      const accountId = await db.account();
      const run = await sut.create({ accountId, journeyId: randomUUID(), version: 1 });

      expect(await sut.finish(run.id, 'FAILED', 'step hello failed')).toBe(true);
      expect(await sut.finish(run.id, 'COMPLETED')).toBe(false);
      expect(await sut.finish(run.id, 'CANCELED')).toBe(false);

      const ended = await sut.findById(run.id);
      expect(ended).toMatchObject({ stage: 'FAILED', lastError: 'step hello failed' });
      expect(ended?.completedAt).toBeInstanceOf(Date);
    });
  });

  describe("when a run's steps are read", () => {
    it('answers each step sendout, oldest first, with its messages counted by state', async () => {
      const accountId = await db.accountWithContacts(5);
      const run = await sut.create({ accountId, journeyId: randomUUID(), version: 1 });
      const sendouts = new SendoutsRepository(db.sql);
      const hello = randomUUID();
      const followUp = randomUUID();
      const audience: SendoutAudience = { from: { sendoutId: hello, path: 'rejected' }, conditions: [] };
      await sendouts.insert(
        sendoutRow({
          id: hello,
          accountId,
          integrationId: randomUUID(),
          journeyRunId: run.id,
          journeyStepId: 'hello',
          segmentId: 's',
          // a minute earlier: timestamps are stored to the second, and a tie would leave the order to the ids
          createdAt: new Date(Date.now() - 60_000),
        }),
      );
      await sendouts.insert(
        sendoutRow({
          id: followUp,
          accountId,
          integrationId: randomUUID(),
          journeyRunId: run.id,
          journeyStepId: 'follow-up',
          audience,
          stage: SendoutStage.GENERATING,
        }),
      );
      // another run's sendout is not a step of this one
      await sendouts.insert(sendoutRow({ accountId, integrationId: randomUUID(), journeyRunId: randomUUID(), journeyStepId: 'hello' }));
      const { ids } = await db.messages(accountId, 5, MessageState.ACCEPTED, hello);
      await db.sql.run(`UPDATE messages SET state = ? WHERE id IN (?, ?)`, [MessageState.REJECTED, ids[0], ids[1]]);

      const steps = await sut.stepSendouts(run.id);

      expect(steps).toEqual([
        {
          sendoutId: hello,
          stepId: 'hello',
          stage: SendoutStage.CREATED,
          audience: null,
          counts: { [MessageState.ACCEPTED]: 3, [MessageState.REJECTED]: 2 },
          createdAt: expect.any(Date),
        },
        { sendoutId: followUp, stepId: 'follow-up', stage: SendoutStage.GENERATING, audience, counts: {}, createdAt: expect.any(Date) },
      ]);
      expect(await sut.stepSendouts(randomUUID())).toEqual([]);
    });
  });
});
