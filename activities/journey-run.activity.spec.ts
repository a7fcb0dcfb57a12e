/**
 * The journey-run activities without a worker, on SQLite in memory with the product's migrations:
 * a step's sendout is stored once per arrival, from the run's own version, with its audience and
 * gate; a cancelled run's stored but unstarted step sendouts end CANCELED.
 */
import { randomUUID } from 'node:crypto';
import { JourneyRunsRepository, JourneysRepository, ProjectsRepository, SendoutEntity, SendoutsRepository } from '@sendgate/database';
import { JourneyDefinition, SendoutStage } from '@sendgate/domain';
import { ActivityEnvironment } from '../test/activity-environment';
import { TestDatabase } from '../test/test-databases';
import type { JourneyStepSendout } from '../workflows/journey-run.messages';
import { JourneyActivities, createJourneyActivities } from './index';

const db = new TestDatabase('sqlite');
let acts: ReturnType<typeof createJourneyActivities>;
let env: ActivityEnvironment;

const LOW: JourneyDefinition['steps'][number] & { type: 'branch' } = {
  id: 'low',
  type: 'branch',
  filter: { all: [{ attribute: 'score', op: 'lt', value: 5 }] },
  next: { match: 'offer', otherwise: 'done' },
};

/** v1: a gated welcome, then a branch to an offer; v2 changes the offer's subject. */
const version = (subject: string): JourneyDefinition => ({
  entryStepId: 'welcome',
  steps: [
    {
      id: 'welcome',
      type: 'message',
      integrationId: 'i-1',
      content: { subject: 'Welcome' },
      gate: { enabled: true, timeout: '2m', split: true, actions: [{ id: 'check' }] },
      next: { accepted: 'low' },
    },
    LOW,
    { id: 'offer', type: 'message', integrationId: 'i-2', content: { subject } },
    { id: 'done', type: 'end' },
  ],
});

beforeAll(async () => {
  await db.open();
  acts = createJourneyActivities({
    sendouts: new SendoutsRepository(db.sql),
    journeys: new JourneysRepository(db.sql),
    journeyRuns: new JourneyRunsRepository(db.sql),
    projects: new ProjectsRepository(db.sql),
  });
});

beforeEach(() => {
  env = new ActivityEnvironment({ activityType: 'startJourneyStep' });
});

afterAll(async () => {
  await db.close();
});

/** A journey at version 1, then edited to version 2, and a run of version 1 for a segment. */
async function runOfVersion1(): Promise<{ runId: string; accountId: string }> {
  const accountId = await db.accountWithContacts(0);
  const projectId = randomUUID();
  await new ProjectsRepository(db.sql).insert({ id: projectId, accountId, name: 'Newsletters' });
  const journeys = new JourneysRepository(db.sql);
  const journeyId = randomUUID();
  await journeys.create({ id: journeyId, accountId, projectId, name: 'Welcome', definition: version('v1 offer') });
  await journeys.addVersion(accountId, journeyId, { name: 'Welcome', definition: version('v2 offer') });
  const run = await new JourneyRunsRepository(db.sql).create({ accountId, journeyId, version: 1, segmentId: 'segment-1' });
  return { runId: run.id, accountId };
}

const startStep = (input: Parameters<JourneyActivities['startJourneyStep']>[0]) =>
  env.run(acts.startJourneyStep, input) as Promise<JourneyStepSendout>;
const finishRun = (input: Parameters<JourneyActivities['finishJourneyRun']>[0]) => env.run(acts.finishJourneyRun, input);
const stored = (id: string) => db.dataSource.getRepository(SendoutEntity).findOneByOrFail({ id });

describe('startJourneyStep', () => {
  it("stores the entry step's sendout from the run's version: the run's audience, the step's gate and content", async () => {
    const { runId } = await runOfVersion1();

    const step = await startStep({ runId, stepId: 'welcome', arrival: { branches: [], trail: 'welcome' } });
    const row = await stored(step.sendoutId);

    expect(step).toEqual({
      sendoutId: row.id,
      workflowId: `sendout-${row.id}`,
      gate: { timeoutMs: 120_000, split: true },
      names: { projectName: 'Newsletters', journeyName: 'Welcome', sendoutName: 'Welcome · run 1 · welcome' },
    });
    expect(row).toMatchObject({
      mode: 'journey',
      kind: 'batch',
      journeyName: 'Welcome',
      journeyRunId: runId,
      journeyStepId: 'welcome',
      integrationId: 'i-1',
      content: { subject: 'Welcome' },
      gateEnabled: true,
      gateTimeoutMs: 120_000,
      gateActions: [{ id: 'check' }],
      segmentId: null,
      contactIds: null,
      audience: { segmentId: 'segment-1', conditions: [] },
      stage: SendoutStage.CREATED,
      workflowStartedAt: expect.any(Date),
    });
  });

  it("resolves a later step's audience to the earlier sendout's path and the branch filters, from the run's own version", async () => {
    const { runId } = await runOfVersion1();
    const from = { sendoutId: randomUUID(), path: 'accepted' as const };

    const step = await startStep({
      runId,
      stepId: 'offer',
      arrival: { from, branches: [{ stepId: 'low', match: false }], trail: 'welcome.accepted/low.false/offer' },
    });
    const row = await stored(step.sendoutId);

    expect(step.gate).toBeUndefined();
    expect(row).toMatchObject({
      content: { subject: 'v1 offer' },
      integrationId: 'i-2',
      gateEnabled: false,
      audience: { from, conditions: [{ filter: LOW.filter, match: false }] },
    });
  });

  it('stores one sendout per arrival: a retry finds its row, another trail to the same step gets its own', async () => {
    const { runId, accountId } = await runOfVersion1();
    const arrival = (trail: string) => ({ from: { sendoutId: randomUUID(), path: 'sent' as const }, branches: [], trail });

    const first = await startStep({ runId, stepId: 'offer', arrival: arrival('a/offer') });
    const retried = await startStep({ runId, stepId: 'offer', arrival: arrival('a/offer') });
    const other = await startStep({ runId, stepId: 'offer', arrival: arrival('b/offer') });

    expect(retried.sendoutId).toBe(first.sendoutId);
    expect(other.sendoutId).not.toBe(first.sendoutId);
    const rows = await db.sql.all<{ id: string }>('SELECT id FROM sendouts WHERE account_id = ? AND journey_run_id = ?', [
      accountId,
      runId,
    ]);
    expect(rows).toHaveLength(2);
  });
});

describe('finishJourneyRun', () => {
  it("ends a cancelled run and its step sendouts stored but never started; a finished step's sendout keeps its stage", async () => {
    const { runId } = await runOfVersion1();
    const started = await startStep({ runId, stepId: 'welcome', arrival: { branches: [], trail: 'welcome' } });
    await new SendoutsRepository(db.sql).markStage(started.sendoutId, SendoutStage.COMPLETED);
    const unstarted = await startStep({
      runId,
      stepId: 'offer',
      arrival: { from: { sendoutId: started.sendoutId, path: 'accepted' }, branches: [], trail: 'welcome.accepted/offer' },
    });

    await finishRun({ runId, stage: 'CANCELED' });

    expect((await stored(unstarted.sendoutId)).stage).toBe(SendoutStage.CANCELED);
    expect((await stored(started.sendoutId)).stage).toBe(SendoutStage.COMPLETED);
    expect(await new JourneyRunsRepository(db.sql).findById(runId)).toMatchObject({ stage: 'CANCELED', completedAt: expect.any(Date) });
  });
});
