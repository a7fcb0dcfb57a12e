/**
 * The API's only way into Temporal: it starts, cancels and wakes sendout workflows and knows their
 * ids, search attributes and messages, so that no service does.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { SendoutStage, sendoutWorkflowId } from '@sendgate/domain';
import {
  JourneyNameKey,
  ProjectNameKey,
  SendoutIdKey,
  SendoutKindKey,
  SendoutNameKey,
  SendoutStageKey,
  gateDecidedSignal,
  inlineTaskQueue,
  scheduleUpdate,
  SendoutSchedule,
  SendoutScheduleChange,
  sendoutMemo,
  sendoutSummary,
  sendoutWorkflow,
} from '@sendgate/workflows';

/** What a sendout's workflow starts with: ids and settings for the run, names for the Web UI's filters. */
export interface SendoutStart {
  sendoutId: string;
  workflowId: string;
  name: string;
  kind: string;
  journeyName: string | null;
  projectName: string;
  gate?: { timeoutMs: number; split: boolean };
  sendAt?: Date;
  /** The sendout reports to feedback webhooks: the workflow's fan-out step runs before it completes. */
  feedback?: boolean;
  /**
   * A small listed audience: the workflow runs its steps as local activities
   * (`SendoutWorkflowInput.inline`), on the inline task queue (`inlineTaskQueue`).
   */
  inline?: boolean;
}

/** The workflow refused a schedule change: it already started sending, or finished. */
export class ScheduleChangeRefusedError extends Error {}

@Injectable()
export class SendoutWorkflowGateway {
  constructor(
    private readonly client: Client,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

  /**
   * Starts the sendout's workflow once. A workflow already running or already run under this id
   * counts as started; so does one that a failed call may have started after all. Throws the
   * start's error only when no such workflow exists.
   */
  async start(sendout: SendoutStart): Promise<void> {
    try {
      const { taskQueue } = this.config.temporal;
      await this.client.workflow.start(sendoutWorkflow, {
        taskQueue: sendout.inline ? inlineTaskQueue(taskQueue) : taskQueue,
        workflowId: sendout.workflowId,
        // Running: answer it; finished: never run the sendout a second time.
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [
          {
            sendoutId: sendout.sendoutId,
            tuning: this.config.sendout,
            gate: sendout.gate,
            sendAt: sendout.sendAt?.getTime(),
            ...(sendout.feedback ? { feedback: true } : {}),
            ...(sendout.inline ? { inline: true } : {}),
          },
        ],
        typedSearchAttributes: [
          { key: SendoutIdKey, value: sendout.sendoutId },
          { key: ProjectNameKey, value: sendout.projectName },
          { key: SendoutNameKey, value: sendout.name },
          { key: SendoutKindKey, value: sendout.kind },
          { key: SendoutStageKey, value: SendoutStage.CREATED },
          ...(sendout.journeyName ? [{ key: JourneyNameKey, value: sendout.journeyName }] : []),
        ],
        memo: sendoutMemo(sendout),
        staticSummary: sendoutSummary(sendout),
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      // A deadline exceeded or a dropped connection does not say whether the start went through.
      if (await this.exists(sendout.workflowId)) return;
      throw error;
    }
  }

  /** Asks the workflow to cancel; one that never started has nothing to cancel. */
  async cancel(workflowId: string): Promise<void> {
    try {
      await this.client.workflow.getHandle(workflowId).cancel();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }

  /**
   * Reschedules, pauses or resumes the sendout; answers the schedule now in force (already stored
   * in the database). Throws ScheduleChangeRefusedError when the workflow refuses the change or
   * has ended.
   */
  async changeSchedule(workflowId: string, change: SendoutScheduleChange): Promise<SendoutSchedule> {
    try {
      return await this.client.workflow.getHandle(workflowId).executeUpdate(scheduleUpdate, { args: [change] });
    } catch (error) {
      if (
        error instanceof WorkflowUpdateFailedError &&
        error.cause instanceof ApplicationFailure &&
        error.cause.type === 'ScheduleChangeRefused'
      )
        throw new ScheduleChangeRefusedError(error.cause.message);
      if (error instanceof WorkflowNotFoundError)
        throw new ScheduleChangeRefusedError('the sendout is not running (finished, or not started yet)');
      throw error;
    }
  }

  /** Wakes a sendout waiting at its gate to read the decision just committed to the database. */
  async signalGateDecided(sendoutId: string): Promise<void> {
    await this.client.workflow.getHandle(sendoutWorkflowId(sendoutId)).signal(gateDecidedSignal);
  }

  /** Whether Temporal answers, for the readiness check. */
  async ping(): Promise<void> {
    await this.client.workflowService.getSystemInfo({});
  }

  private async exists(workflowId: string): Promise<boolean> {
    try {
      await this.client.workflow.getHandle(workflowId).describe();
      return true;
    } catch {
      return false;
    }
  }
}
