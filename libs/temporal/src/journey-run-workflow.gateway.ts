/**
 * The API's way to journey-run workflows: starts a run, cancels it, asks for its progress. Ids,
 * search attributes and the workflow's messages stay here, as the sendout gateway keeps its own.
 */
import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import {
  JourneyNameKey,
  JourneyRunProgress,
  JourneyRunStep,
  ProjectNameKey,
  journeyRunProgressQuery,
  journeyRunWorkflow,
} from '@sendgate/workflows';

export interface JourneyRunStart {
  runId: string;
  workflowId: string;
  runNumber: number;
  entryStepId: string;
  steps: JourneyRunStep[];
  names: { projectName: string; journeyName: string };
}

@Injectable()
export class JourneyRunWorkflowGateway {
  constructor(
    private readonly client: Client,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

  /** Starts the run's workflow once: a run already started under this id counts as started. */
  async start(run: JourneyRunStart): Promise<void> {
    try {
      await this.client.workflow.start(journeyRunWorkflow, {
        taskQueue: this.config.temporal.taskQueue,
        workflowId: run.workflowId,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [{ runId: run.runId, entryStepId: run.entryStepId, steps: run.steps, tuning: this.config.sendout }],
        typedSearchAttributes: [
          { key: ProjectNameKey, value: run.names.projectName },
          { key: JourneyNameKey, value: run.names.journeyName },
        ],
        memo: { journey: run.names.journeyName, run: run.runNumber, project: run.names.projectName },
        staticSummary: `Journey "${run.names.journeyName}", run ${run.runNumber}, project "${run.names.projectName}"`,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  /** Asks the run to cancel (its sendouts in progress with it); one that is not running has nothing to cancel. */
  async cancel(workflowId: string): Promise<void> {
    try {
      await this.client.workflow.getHandle(workflowId).cancel();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }

  /** The run's own view of its steps (waits included), or undefined when Temporal cannot answer now. */
  async progress(workflowId: string): Promise<JourneyRunProgress | undefined> {
    try {
      return await this.client.workflow.getHandle(workflowId).query(journeyRunProgressQuery);
    } catch {
      return undefined;
    }
  }
}
