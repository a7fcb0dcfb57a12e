import { randomUUID } from 'node:crypto';
import { CampaignState, CampaignStep, MessageState, SendoutStage } from '@sendgate/domain';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { sendoutRow } from '../../../../test/sendout-row';
import { CampaignsRepository } from './campaigns.repository';
import { SendoutsRepository } from './sendouts.repository';

const STEPS: CampaignStep[] = [
  { id: 'daily', integrationId: randomUUID(), content: { subject: 'Hi' }, gate: { enabled: true }, schedule: { every: '1d' } },
];

describeOnEachDatabase((db) => {
  let sut: CampaignsRepository;
  let sendouts: SendoutsRepository;
  beforeAll(() => {
    sut = new CampaignsRepository(db.sql);
    sendouts = new SendoutsRepository(db.sql);
  });

  async function campaign(accountId: string, name = 'Spring') {
    const id = randomUUID();
    await sut.create({ id, accountId, projectId: randomUUID(), name, segmentId: randomUUID(), state: CampaignState.ACTIVE, steps: STEPS });
    return id;
  }

  /** An execution of the campaign's step: a sendout with one message per contact of the account in `state`. */
  async function execution(accountId: string, campaignId: string, createdAt: Date, messages: Array<[MessageState, number]>) {
    const id = randomUUID();
    await sendouts.insert(
      sendoutRow({
        id,
        accountId,
        integrationId: randomUUID(),
        mode: 'campaign',
        stage: SendoutStage.GATED,
        gateEnabled: true,
        gateTimeoutMs: 3_600_000,
        campaignId,
        campaignStepId: 'daily',
        createdAt,
      }),
    );
    for (const [state, count] of messages) await db.messages(accountId, count, state, id);
    return id;
  }

  describe('when a campaign is stored', () => {
    it('reads it back with its steps, paused and resumed', async () => {
      const account = await db.account();
      const id = await campaign(account);
      expect(await sut.find(account, id)).toMatchObject({ id, accountId: account, name: 'Spring', state: 'ACTIVE', steps: STEPS });
      expect(await sut.setState(account, id, CampaignState.PAUSED)).toBe(true);
      expect((await sut.findById(id))?.state).toBe('PAUSED');
    });
  });

  describe('when another account asks, or the campaign was deleted', () => {
    it('finds nothing, changes nothing and deletes nothing', async () => {
      const [mine, theirs] = [await db.account(), await db.account()];
      const id = await campaign(mine);
      expect(await sut.find(theirs, id)).toBeUndefined();
      expect(await sut.setState(theirs, id, CampaignState.PAUSED)).toBe(false);
      expect(await sut.softDelete(theirs, id)).toBe(false);
      expect(await sut.list(theirs, { limit: 10 })).toEqual([]);
      expect((await sut.find(mine, id))?.state).toBe('ACTIVE');

      expect(await sut.softDelete(mine, id)).toBe(true);
      expect(await sut.softDelete(mine, id)).toBe(false);
      expect(await sut.find(mine, id)).toBeUndefined();
      expect(await sut.findById(id)).toBeUndefined();
      expect(await sut.setState(mine, id, CampaignState.ACTIVE)).toBe(false);
    });
  });

  describe('when the campaigns are listed', () => {
    it('pages them newest first', async () => {
      const account = await db.account();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await campaign(account, `c${i}`));
      const first = await sut.list(account, { limit: 3 });
      expect(first).toHaveLength(3);
      const rest = await sut.list(account, { before: first[2].id, limit: 10 });
      expect(rest).toHaveLength(2);
      expect(new Set([...first, ...rest].map((c) => c.id))).toEqual(new Set(ids));
      const times = [...first, ...rest].map((c) => c.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });
  });

  describe("when a campaign's executions are read", () => {
    it('pages its sendouts newest first with their messages counted by state', async () => {
      const account = await db.accountWithContacts(5);
      const id = await campaign(account);
      const other = await campaign(account);
      const t = Date.now();
      const oldest = await execution(account, id, new Date(t - 3_000), [[MessageState.TIMED_OUT, 5]]);
      const middle = await execution(account, id, new Date(t - 2_000), [[MessageState.SENT, 5]]);
      const newest = await execution(account, id, new Date(t - 1_000), []);
      await execution(account, other, new Date(t), [[MessageState.SENT, 5]]);

      const first = await sut.executions(account, id, { limit: 2 });
      expect(first.map((e) => e.sendoutId)).toEqual([newest, middle]);
      expect(first[0]).toMatchObject({ stepId: 'daily', stage: 'GATED', gateEnabled: true, gateTimeoutMs: 3_600_000, counts: {} });
      expect(first[1].counts).toEqual({ SENT: 5 });
      const rest = await sut.executions(account, id, { before: middle, limit: 2 });
      expect(rest.map((e) => [e.sendoutId, e.counts])).toEqual([[oldest, { TIMED_OUT: 5 }]]);

      expect(await sut.executions(await db.account(), id, { limit: 10 })).toEqual([]);
    });
  });
});
