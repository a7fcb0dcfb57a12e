import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { loadConfig } from '@sendgate/config';
import { CampaignScheduleGateway, ScheduleSpecRefusedError } from './campaign-schedule.gateway';

const config = loadConfig({
  SENDGATE_SIGNING_KEY: 'k'.repeat(32),
  SENDGATE_ENCRYPTION_KEYS: `k:${Buffer.alloc(32, 1).toString('base64')}`,
});
const step = { campaignId: 'c1', campaignName: 'Winter sale', projectName: 'Shop', stepId: 'daily', paused: false };

function gateway(create: (options: any) => Promise<unknown>) {
  const seen: any[] = [];
  const client = { schedule: { create: (options: any) => (seen.push(options), create(options)) } } as unknown as Client;
  return { sut: new CampaignScheduleGateway(client, config), seen };
}

describe('CampaignScheduleGateway.create', () => {
  it('makes a Schedule per step that skips overlapping executions', async () => {
    const { sut, seen } = gateway(async () => undefined);
    await sut.create({ ...step, schedule: { every: '3s', startAt: '2026-12-01T00:00:00Z' } });
    expect(seen[0]).toMatchObject({
      scheduleId: 'campaign-c1-step-daily',
      spec: { intervals: [{ every: 3_000 }], startAt: new Date('2026-12-01T00:00:00Z') },
      action: { type: 'startWorkflow', workflowId: 'campaign-c1-step-daily', args: [{ campaignId: 'c1', stepId: 'daily' }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      state: { paused: false },
    });
  });

  it('counts a Schedule already there as created', async () => {
    const { sut } = gateway(async () => {
      throw new ScheduleAlreadyRunning('exists', 'campaign-c1-step-daily');
    });
    await expect(sut.create({ ...step, schedule: { cron: '0 9 * * *' } })).resolves.toBeUndefined();
  });

  it("turns Temporal's refusal of the spec into ScheduleSpecRefusedError", async () => {
    const { sut } = gateway(async () => {
      throw new TypeError('Month End is before Start or not in range [1-12]');
    });
    await expect(sut.create({ ...step, schedule: { cron: '0 0 * 2-1 *' } })).rejects.toBeInstanceOf(ScheduleSpecRefusedError);
  });
});
