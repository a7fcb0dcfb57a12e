/**
 * One run of a journey, durably: walks the version's graph from the entry step. A message step
 * stores its sendout (an activity: the audience, the content, the gate as the step configures
 * them) and runs it as a child sendout workflow; each of its paths that leads somewhere goes on
 * with the contacts the sendout put on that path. A wait sleeps; a branch goes on both ways, each
 * with the branch's filter matched or not. Paths run side by side, and a step reached by two
 * paths runs once for each.
 *
 * Only ids cross this workflow: who is on a path is read from the database when the next step's
 * sendout generates its messages, never carried through history. Cancelling the run cancels the
 * sendouts in progress; steps not reached are never started.
 *
 * Changes to the commands this code issues follow docs/workflow-versioning.md, as the sendout's do.
 */
import {
  ChildWorkflowFailure,
  ChildWorkflowCancellationType,
  CancellationScope,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { JourneyActivities } from '../activities';
import {
  JourneyArrival,
  JourneyRunInput,
  JourneyRunProgress,
  JourneyRunStep,
  JourneyStepSendout,
  journeyRunProgressQuery,
} from './journey-run.messages';
import { sendoutMemo, sendoutSummary } from './labels';
import { JourneyNameKey, ProjectNameKey, SendoutIdKey, SendoutKindKey, SendoutNameKey, SendoutStageKey } from './search-attributes';
import { sendoutWorkflow } from './sendout.workflow';

const acts = proxyActivities<JourneyActivities>({
  startToCloseTimeout: '1m',
  // About a quarter of an hour of failures (a database outage) before the run gives up with the reason.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 20 },
});

export async function journeyRunWorkflow(input: JourneyRunInput): Promise<JourneyRunProgress> {
  const run = new JourneyRun(input);
  try {
    await run.walk(input.entryStepId, { branches: [], trail: '' });
  } catch (error) {
    if (!isCancellation(error)) throw error; // a bug in workflow code: Temporal retries the task
    await run.finish('CANCELED');
    throw error;
  }
  await run.finish(run.failures.length > 0 ? 'FAILED' : 'COMPLETED');
  return run.progress;
}

class JourneyRun {
  readonly progress: JourneyRunProgress = { stage: 'RUNNING', steps: {} };
  /** Why steps' sendouts failed; the paths after a failed step stop, the others go on. */
  readonly failures: string[] = [];
  private readonly steps: Map<string, JourneyRunStep>;

  constructor(private readonly input: JourneyRunInput) {
    this.steps = new Map(input.steps.map((step) => [step.id, step]));
    setHandler(journeyRunProgressQuery, () => this.progress);
  }

  /** Runs one step for one arrival, then every step its paths lead to, side by side. */
  async walk(stepId: string, arrival: JourneyArrival): Promise<void> {
    const step = this.steps.get(stepId);
    if (!step) throw new Error(`journey step ${stepId} is not in the run's graph`); // validated when the version was stored
    const trail = arrival.trail ? `${arrival.trail}/${stepId}` : stepId;
    const counter = (this.progress.steps[stepId] ??= { waiting: 0, running: 0, done: 0, sendoutIds: [] });
    switch (step.type) {
      case 'end':
        counter.done += 1;
        return;
      case 'wait':
        counter.waiting += 1;
        try {
          await sleep(step.waitMs);
        } finally {
          counter.waiting -= 1;
        }
        counter.done += 1;
        return this.walk(step.next, { ...arrival, trail });
      case 'branch': {
        counter.done += 1;
        const on = (match: boolean) => ({ ...arrival, branches: [...arrival.branches, { stepId, match }], trail: `${trail}.${match}` });
        await Promise.all([this.walk(step.next.match, on(true)), this.walk(step.next.otherwise, on(false))]);
        return;
      }
      case 'message': {
        counter.running += 1;
        let sent: boolean;
        let sendoutId: string;
        try {
          const sendout = await acts.startJourneyStep({ runId: this.input.runId, stepId, arrival: { ...arrival, trail } });
          sendoutId = sendout.sendoutId;
          counter.sendoutIds.push(sendoutId);
          sent = await this.runSendout(sendout);
        } finally {
          counter.running -= 1;
        }
        counter.done += 1;
        if (!sent) return;
        const paths = Object.entries(step.next) as [NonNullable<JourneyArrival['from']>['path'], string][];
        await Promise.all(
          paths.map(([path, next]) => this.walk(next, { from: { sendoutId, path }, branches: [], trail: `${trail}.${path}` })),
        );
        return;
      }
    }
  }

  /** The step's sendout as a child workflow; answers whether it completed (its paths go on). */
  private async runSendout(sendout: JourneyStepSendout): Promise<boolean> {
    const { names } = sendout;
    const labels = { name: names.sendoutName, kind: 'batch', projectName: names.projectName, journeyName: names.journeyName };
    try {
      await executeChild(sendoutWorkflow, {
        workflowId: sendout.workflowId,
        args: [{ sendoutId: sendout.sendoutId, tuning: this.input.tuning, ...(sendout.gate ? { gate: sendout.gate } : {}) }],
        // Cancelling the run cancels the sendout, which cancels what it has not sent; so does
        // terminating the run from the Web UI.
        cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        typedSearchAttributes: [
          { key: SendoutIdKey, value: sendout.sendoutId },
          { key: ProjectNameKey, value: names.projectName },
          { key: JourneyNameKey, value: names.journeyName },
          { key: SendoutNameKey, value: names.sendoutName },
          { key: SendoutKindKey, value: 'batch' },
          { key: SendoutStageKey, value: 'CREATED' },
        ],
        memo: sendoutMemo({ ...labels, startedBy: workflowInfo().workflowId }),
        staticSummary: sendoutSummary(labels),
      });
      return true;
    } catch (error) {
      if (!(error instanceof ChildWorkflowFailure) || CancellationScope.current().consideredCancelled) throw error;
      // The run goes on without this step's paths: a sendout cancelled on its own (an operator
      // cancelled it, not the run) stops them quietly; a failed one makes the run FAILED at its end.
      if (!isCancellation(error)) this.failures.push(`${names.sendoutName}: ${error.cause?.message ?? error.message}`);
      return false;
    }
  }

  /** Stores how the run ended (a cancelled run also cancels step sendouts stored but not started). */
  async finish(stage: 'COMPLETED' | 'CANCELED' | 'FAILED'): Promise<void> {
    this.progress.stage = stage;
    await CancellationScope.nonCancellable(() =>
      acts.finishJourneyRun({ runId: this.input.runId, stage, ...(this.failures.length > 0 ? { error: this.failures.join('; ') } : {}) }),
    );
  }
}
