/**
 * Creating a campaign when Temporal refuses one of its steps' Schedules: what was made is undone,
 * and the answer says whose fault it was. Temporal and the database are fakes here; the real ones
 * are in test/e2e/campaigns.e2e.ts.
 */
import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import { IntegrationStatus } from '@sendgate/database';
import { CampaignScheduleGateway, ScheduleSpecRefusedError } from '@sendgate/temporal';
import { CampaignsService } from './campaigns.service';
import { CreateCampaignDto } from './dto/campaign.dto';

const INTEGRATION = '6f1c1d1e-8a8b-4c4d-9e9f-0a0b0c0d0e0f';
const dto: CreateCampaignDto = {
  projectId: 'a5b0c2a4-7d33-4bb1-9f0a-6a3c0e9e1b10',
  name: 'Winter sale',
  segmentId: 'b6c1d3b5-8e44-4cc2-8a1b-7b4d1f0f2c21',
  steps: [
    { id: 'first', integrationId: INTEGRATION, content: { subject: 'Hi' }, schedule: { every: '1h' } },
    { id: 'second', integrationId: INTEGRATION, content: { subject: 'Hi' }, schedule: { cron: '0 9 * * *' } },
  ],
};

function setUp(refusal: Error) {
  const created: string[] = [];
  const deleted: string[] = [];
  const softDeleted: string[] = [];
  const schedules = {
    create: async (step: { stepId: string }) => {
      if (step.stepId === 'second') throw refusal;
      created.push(step.stepId);
    },
    delete: async (_campaignId: string, stepId: string) => void deleted.push(stepId),
  } as unknown as CampaignScheduleGateway;
  const campaigns = {
    create: async () => undefined,
    softDelete: async (_accountId: string, id: string) => (softDeleted.push(id), true),
  };
  const sut = new CampaignsService(
    campaigns as never,
    schedules,
    { get: async () => ({ id: dto.projectId, name: 'Shop' }) } as never,
    { get: async () => ({ id: dto.segmentId }) } as never,
    { getActive: async () => ({ id: INTEGRATION, status: IntegrationStatus.ACTIVE }) } as never,
  );
  return { sut, created, deleted, softDeleted };
}

describe('when Temporal refuses the spec of a step', () => {
  it("answers 400 naming that step's cron, and removes the campaign and the schedules already made", async () => {
    const { sut, created, deleted, softDeleted } = setUp(new ScheduleSpecRefusedError('Hour End is before Start'));
    const error = await sut.create('account', dto).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).getResponse()).toMatchObject({
      errors: [{ field: 'steps[1].schedule.cron', message: expect.stringContaining('Hour End is before Start') }],
    });
    expect(created).toEqual(['first']);
    expect(deleted).toEqual(['first']);
    expect(softDeleted).toHaveLength(1);
  });
});

describe('when Temporal cannot be reached while scheduling', () => {
  it('answers 503 and removes what was made', async () => {
    const { sut, deleted, softDeleted } = setUp(new Error('14 UNAVAILABLE: connection refused'));
    await expect(sut.create('account', dto)).rejects.toBeInstanceOf(ServiceUnavailableException);
    expect(deleted).toEqual(['first']);
    expect(softDeleted).toHaveLength(1);
  });
});
