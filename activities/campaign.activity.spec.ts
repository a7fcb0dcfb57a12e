/**
 * A campaign execution's sendout, stored by its activity: with SQLite in memory and the product's
 * migrations, no worker. A retried activity finds the row it stored; a paused or deleted campaign
 * stores nothing.
 */
import { randomUUID } from 'node:crypto';
import { CampaignsRepository, ProjectsRepository, SendoutsRepository } from '@sendgate/database';
import { CAMPAIGN_GATE_TIMEOUT_MS, CampaignState, CampaignStep } from '@sendgate/domain';
import { TestDatabase } from '../test/test-databases';
import { createCampaignActivities } from './campaign';

const db = new TestDatabase('sqlite');
let sut: ReturnType<typeof createCampaignActivities>;
let campaigns: CampaignsRepository;
let sendouts: SendoutsRepository;

beforeAll(async () => {
  await db.open();
  campaigns = new CampaignsRepository(db.sql);
  sendouts = new SendoutsRepository(db.sql);
  sut = createCampaignActivities({ campaigns, sendouts, projects: new ProjectsRepository(db.sql) });
});

afterAll(async () => {
  await db.close();
});

const STEPS: CampaignStep[] = [
  {
    id: 'gated',
    integrationId: randomUUID(),
    content: { subject: 'Hi' },
    gate: { enabled: true, split: true, actions: [{ id: 'check' }] },
    schedule: { every: '1h' },
  },
  { id: 'plain', integrationId: randomUUID(), content: { text: 'Hello' }, schedule: { cron: '0 9 * * *' } },
];

async function campaign(state = CampaignState.ACTIVE) {
  const accountId = await db.account();
  const projectId = randomUUID();
  await new ProjectsRepository(db.sql).insert({ id: projectId, accountId, name: 'Shop' });
  const id = randomUUID();
  await campaigns.create({ id, accountId, projectId, name: 'Winter sale', segmentId: randomUUID(), state, steps: STEPS });
  return { id, accountId, projectId };
}

describe('when a gated step executes', () => {
  it('stores a batch sendout in campaign mode with the one-hour gate, the same one when retried', async () => {
    const { id, accountId } = await campaign();
    const input = { campaignId: id, stepId: 'gated', executionId: `campaign-${id}-step-gated-2026-12-01T09:00:00Z` };
    const start = await sut.startCampaignExecution(input);
    expect(start).toEqual({
      sendoutId: expect.any(String),
      workflowId: `sendout-${start!.sendoutId}`,
      gate: { timeoutMs: CAMPAIGN_GATE_TIMEOUT_MS, split: true },
      names: { project: 'Shop', campaign: 'Winter sale', sendout: expect.stringMatching(/^Winter sale · gated · \d{4}-/), kind: 'batch' },
    });
    const row = await sendouts.find(accountId, start!.sendoutId);
    expect(row).toMatchObject({
      kind: 'batch',
      mode: 'campaign',
      stage: 'CREATED',
      integrationId: STEPS[0].integrationId,
      gateEnabled: true,
      gateTimeoutMs: CAMPAIGN_GATE_TIMEOUT_MS,
      gateActions: [{ id: 'check' }],
      campaignId: id,
      campaignStepId: 'gated',
    });
    expect(row!.workflowStartedAt).toBeInstanceOf(Date);

    expect(await sut.startCampaignExecution(input)).toEqual(start);
    const other = await sut.startCampaignExecution({ ...input, executionId: `${input.executionId}-2` });
    expect(other!.sendoutId).not.toBe(start!.sendoutId);
  });
});

describe('when a step without a gate executes', () => {
  it('answers no gate', async () => {
    const { id } = await campaign();
    const start = await sut.startCampaignExecution({ campaignId: id, stepId: 'plain', executionId: randomUUID() });
    expect(start).not.toHaveProperty('gate');
  });
});

describe('when the campaign was paused or deleted before the execution ran', () => {
  it('stores nothing and answers null', async () => {
    const paused = await campaign(CampaignState.PAUSED);
    const deleted = await campaign();
    await campaigns.softDelete(deleted.accountId, deleted.id);
    for (const { id } of [paused, deleted]) {
      const executionId = randomUUID();
      expect(await sut.startCampaignExecution({ campaignId: id, stepId: 'gated', executionId })).toBeNull();
      const rows = await db.sql.all('SELECT id FROM sendouts WHERE campaign_id = ?', [id]);
      expect(rows).toEqual([]);
    }
  });
});
