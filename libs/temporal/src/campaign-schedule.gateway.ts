/**
 * The Temporal Schedules of campaigns: one per step, `campaign-<id>-step-<stepId>`, whose every
 * action starts a campaign execution workflow. The overlap policy SKIP, for scheduled actions and
 * for a trigger alike, means a step's execution never starts while its previous one still runs.
 */
import { Inject, Injectable } from '@nestjs/common';
import { Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, isGrpcServiceError } from '@temporalio/client';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { CampaignSchedule, campaignScheduleId, parseDurationMs } from '@sendgate/domain';
import { CampaignExecutionInput, CampaignNameKey, ProjectNameKey, campaignExecutionWorkflow } from '@sendgate/workflows';

/** A Schedule missed while Temporal was unreachable runs late only within this window; older ones are dropped. */
const CATCHUP_WINDOW_MS = 60_000;
/** gRPC's status code for a request the server refuses as malformed. */
const INVALID_ARGUMENT = 3;

export interface CampaignStepSchedule {
  campaignId: string;
  campaignName: string;
  projectName: string;
  stepId: string;
  schedule: CampaignSchedule;
  paused: boolean;
}

/** What Temporal says of a step's Schedule now. */
export interface StepScheduleInfo {
  paused: boolean;
  nextActionTimes: Date[];
  recentActions: number;
}

/** Temporal refused the schedule's spec (a cron expression it cannot read). */
export class ScheduleSpecRefusedError extends Error {}

@Injectable()
export class CampaignScheduleGateway {
  constructor(
    private readonly client: Client,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

  /** Creates the step's Schedule; one already there (a retried creation) counts as created. */
  async create(step: CampaignStepSchedule): Promise<void> {
    const scheduleId = campaignScheduleId(step.campaignId, step.stepId);
    const input: CampaignExecutionInput = { campaignId: step.campaignId, stepId: step.stepId, tuning: this.config.sendout };
    const { cron, every, startAt, endAt } = step.schedule;
    try {
      await this.client.schedule.create({
        scheduleId,
        spec: {
          ...(cron !== undefined ? { cronExpressions: [cron] } : { intervals: [{ every: parseDurationMs(every)! }] }),
          ...(startAt ? { startAt: new Date(startAt) } : {}),
          ...(endAt ? { endAt: new Date(endAt) } : {}),
        },
        action: {
          type: 'startWorkflow',
          workflowType: campaignExecutionWorkflow,
          taskQueue: this.config.temporal.taskQueue,
          // Temporal appends each action's time, so every execution has its own workflow id
          workflowId: scheduleId,
          args: [input],
          typedSearchAttributes: [
            { key: CampaignNameKey, value: step.campaignName },
            { key: ProjectNameKey, value: step.projectName },
          ],
          memo: { campaign: step.campaignName, campaignId: step.campaignId, step: step.stepId, project: step.projectName },
          staticSummary: `Campaign "${step.campaignName}", step "${step.stepId}", project "${step.projectName}"`,
        },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW_MS },
        state: { paused: step.paused },
        memo: { campaignId: step.campaignId, campaignName: step.campaignName },
      });
    } catch (error) {
      if (error instanceof ScheduleAlreadyRunning) return;
      // the client turns "Invalid schedule spec" into a TypeError; other refusals of the request stay gRPC errors
      if (error instanceof TypeError) throw new ScheduleSpecRefusedError(error.message);
      const cause = (error as { cause?: unknown }).cause;
      if (isGrpcServiceError(cause) && cause.code === INVALID_ARGUMENT) throw new ScheduleSpecRefusedError(cause.details);
      throw error;
    }
  }

  async pause(campaignId: string, stepId: string): Promise<void> {
    await this.handle(campaignId, stepId).pause('campaign paused');
  }

  async unpause(campaignId: string, stepId: string): Promise<void> {
    await this.handle(campaignId, stepId).unpause('campaign resumed');
  }

  /** Runs the step now, unless its previous execution still runs (then nothing happens). */
  async trigger(campaignId: string, stepId: string): Promise<void> {
    await this.handle(campaignId, stepId).trigger(ScheduleOverlapPolicy.SKIP);
  }

  /** Deletes the step's Schedule (executions already running go on); one already gone counts as deleted. */
  async delete(campaignId: string, stepId: string): Promise<void> {
    try {
      await this.handle(campaignId, stepId).delete();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }

  /** The step's Schedule as Temporal has it, or undefined when it does not exist. */
  async describe(campaignId: string, stepId: string): Promise<StepScheduleInfo | undefined> {
    try {
      const description = await this.handle(campaignId, stepId).describe();
      return {
        paused: description.state.paused,
        nextActionTimes: description.info.nextActionTimes,
        recentActions: description.info.recentActions.length,
      };
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return undefined;
      throw error;
    }
  }

  private handle(campaignId: string, stepId: string) {
    return this.client.schedule.getHandle(campaignScheduleId(campaignId, stepId));
  }
}
