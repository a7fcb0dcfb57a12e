import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { CampaignExecution, CampaignView, CampaignsRepository } from '@sendgate/database';
import { CampaignState, CampaignStep, countOnPathsAndExcluded, validateCampaignSteps } from '@sendgate/domain';
import { CampaignScheduleGateway, ScheduleSpecRefusedError, StepScheduleInfo } from '@sendgate/temporal';
import { notFound } from '../common/not-found';
import { badRequest } from '../common/validation';
import { IntegrationsService } from '../integrations/integrations.service';
import { ProjectsService } from '../projects/projects.service';
import { SegmentsService } from '../segments/segments.service';
import {
  CampaignExecutionDto,
  CampaignExecutionPageDto,
  CampaignPageDto,
  CampaignTriggerDto,
  CampaignViewDto,
  CreateCampaignDto,
} from './dto/campaign.dto';

const DEFAULT_PAGE = 100;
/** The schedule info is a courtesy: a Temporal that does not answer soon leaves it out rather than holding the answer. */
const DESCRIBE_WAIT_MS = 2_000;

/**
 * Campaigns: the row holds the steps, Temporal holds one Schedule per step. The database is
 * written first where an execution reads it (a paused or deleted campaign stores no sendout even if
 * its Schedule fires before it is paused or deleted), and the Schedules follow.
 */
@Injectable()
export class CampaignsService {
  private readonly logger = new Logger('Campaigns');

  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly schedules: CampaignScheduleGateway,
    private readonly projects: ProjectsService,
    private readonly segments: SegmentsService,
    private readonly integrations: IntegrationsService,
  ) {}

  /**
   * Stores the campaign and creates its steps' Schedules. When Temporal refuses one, what was made
   * is undone: a 400 naming the step's schedule when it refused the spec, else a 503.
   */
  async create(accountId: string, dto: CreateCampaignDto): Promise<CampaignViewDto> {
    const errors = validateCampaignSteps(dto.steps);
    if (errors.length > 0) throw badRequest(errors);
    const project = await this.projects.get(accountId, dto.projectId, 'projectId');
    await this.segments.get(accountId, dto.segmentId, 'segmentId');
    await this.checkIntegrations(accountId, dto.steps);

    const id = randomUUID();
    await this.campaigns.create({
      id,
      accountId,
      projectId: project.id,
      name: dto.name,
      segmentId: dto.segmentId,
      state: CampaignState.ACTIVE,
      steps: dto.steps,
    });
    const made: string[] = [];
    try {
      for (const step of dto.steps) {
        await this.schedules.create({
          campaignId: id,
          campaignName: dto.name,
          projectName: project.name,
          stepId: step.id,
          schedule: step.schedule,
          paused: false,
        });
        made.push(step.id);
      }
    } catch (error) {
      await this.undo(accountId, id, made);
      const i = made.length;
      if (error instanceof ScheduleSpecRefusedError) {
        const field = dto.steps[i].schedule.cron !== undefined ? 'cron' : 'every';
        throw badRequest([{ field: `steps[${i}].schedule.${field}`, message: `was refused by Temporal: ${error.message}` }]);
      }
      this.logger.error(`campaign ${id}: the schedule of steps[${i}] was not created: ${(error as Error).message}`);
      throw unavailable('the campaign could not be scheduled: Temporal is unreachable; try again');
    }
    return this.get(accountId, id);
  }

  async list(accountId: string, before: string | undefined, limit = DEFAULT_PAGE): Promise<CampaignPageDto> {
    const items = await this.campaigns.list(accountId, { before, limit });
    return { items: items.map((c) => toView(c)), ...(items.length === limit ? { next: items[items.length - 1].id } : {}) };
  }

  /** The campaign with each step's Schedule as Temporal has it (best effort: absent when Temporal does not answer). */
  async get(accountId: string, id: string): Promise<CampaignViewDto> {
    const campaign = await this.find(accountId, id);
    const infos = await Promise.all(
      campaign.steps.map((step) =>
        within(DESCRIBE_WAIT_MS, this.schedules.describe(id, step.id)).catch((error: Error) => {
          this.logger.warn(`campaign ${id}: no schedule info for step ${step.id}: ${error.message}`);
          return undefined;
        }),
      ),
    );
    return toView(campaign, infos);
  }

  async pause(accountId: string, id: string): Promise<CampaignViewDto> {
    return this.setState(accountId, id, CampaignState.PAUSED, (stepId) => this.schedules.pause(id, stepId));
  }

  async resume(accountId: string, id: string): Promise<CampaignViewDto> {
    return this.setState(accountId, id, CampaignState.ACTIVE, (stepId) => this.schedules.unpause(id, stepId));
  }

  /** Runs a step now; skipped by its Schedule when the step's previous execution still runs. A paused campaign is a 409. */
  async trigger(accountId: string, id: string, stepId: string): Promise<CampaignTriggerDto> {
    const campaign = await this.find(accountId, id);
    if (!campaign.steps.some((s) => s.id === stepId)) throw notFound(`campaign ${id} step`, stepId, 'stepId');
    if (campaign.state === CampaignState.PAUSED) {
      throw new ConflictException({ statusCode: 409, error: 'Conflict', message: 'the campaign is paused; resume it first' });
    }
    await this.temporal(() => this.schedules.trigger(id, stepId));
    return { campaignId: id, stepId, triggered: true };
  }

  /** Deletes the Schedules, then the campaign (executions already running finish; their sendouts stay). */
  async delete(accountId: string, id: string): Promise<void> {
    const campaign = await this.find(accountId, id);
    // the row goes last: a failed call can be repeated until every Schedule is gone
    await this.temporal(() => Promise.all(campaign.steps.map((step) => this.schedules.delete(id, step.id))));
    if (!(await this.campaigns.softDelete(accountId, id))) throw notFound('campaign', id);
  }

  async executions(accountId: string, id: string, before: string | undefined, limit = DEFAULT_PAGE): Promise<CampaignExecutionPageDto> {
    await this.find(accountId, id);
    const items = await this.campaigns.executions(accountId, id, { before, limit });
    return { items: items.map(executionView), ...(items.length === limit ? { next: items[items.length - 1].sendoutId } : {}) };
  }

  /** Each step's integration: the account's (else a 404 naming the step's field) and ACTIVE (else a 409 naming it). */
  private async checkIntegrations(accountId: string, steps: CampaignStep[]): Promise<void> {
    const checked = new Set<string>();
    for (const [i, step] of steps.entries()) {
      if (checked.has(step.integrationId)) continue;
      await this.integrations.getActive(accountId, step.integrationId, `steps[${i}].integrationId`);
      checked.add(step.integrationId);
    }
  }

  /** The state first (what executions read), then every step's Schedule; a repeated call after a failure finishes the job. */
  private async setState(
    accountId: string,
    id: string,
    state: CampaignState,
    follow: (stepId: string) => Promise<void>,
  ): Promise<CampaignViewDto> {
    const campaign = await this.find(accountId, id);
    if (!(await this.campaigns.setState(accountId, id, state))) throw notFound('campaign', id);
    await this.temporal(() => Promise.all(campaign.steps.map((step) => follow(step.id))));
    return this.get(accountId, id);
  }

  private async undo(accountId: string, id: string, stepIds: string[]): Promise<void> {
    await this.campaigns.softDelete(accountId, id);
    for (const stepId of stepIds) {
      await this.schedules.delete(id, stepId).catch((error: Error) => {
        this.logger.error(`campaign ${id}: could not delete the schedule of step ${stepId} after a failed creation: ${error.message}`);
      });
    }
  }

  private async temporal<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.logger.error(`campaign schedules: ${(error as Error).message}`);
      throw unavailable("the campaign's schedules could not be changed: Temporal is unreachable; try again");
    }
  }

  private async find(accountId: string, id: string): Promise<CampaignView> {
    const campaign = await this.campaigns.find(accountId, id);
    if (!campaign) throw notFound('campaign', id);
    return campaign;
  }
}

/** `work`'s result, or a rejection once `ms` passed without one. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function unavailable(message: string): ServiceUnavailableException {
  return new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message });
}

function toView(campaign: CampaignView, infos?: Array<StepScheduleInfo | undefined>): CampaignViewDto {
  return {
    id: campaign.id,
    projectId: campaign.projectId,
    name: campaign.name,
    segmentId: campaign.segmentId,
    state: campaign.state,
    steps: campaign.steps.map((step, i) => {
      const info = infos?.[i];
      return { ...step, ...(info ? { scheduleInfo: { paused: info.paused, nextActionTimes: info.nextActionTimes } } : {}) };
    }),
    createdAt: campaign.createdAt,
    updatedAt: campaign.updatedAt,
  };
}

function executionView(execution: CampaignExecution): CampaignExecutionDto {
  const counts = execution.counts;
  return {
    sendoutId: execution.sendoutId,
    stepId: execution.stepId,
    name: execution.name,
    stage: execution.stage,
    gate: execution.gateEnabled
      ? { enabled: true, ...(execution.gateState ? { state: execution.gateState } : {}), timeoutMs: execution.gateTimeoutMs ?? undefined }
      : { enabled: false },
    counts: counts as Record<string, number>,
    paths: countOnPathsAndExcluded(counts, execution.gateEnabled ? ['accepted', 'rejected', 'timedOut'] : ['sent']),
    createdAt: execution.createdAt,
    completedAt: execution.completedAt,
  };
}
