import { ApplicationFailure } from '@temporalio/common';
import {
  AudienceCondition,
  BranchStep,
  DEFAULT_GATE_TIMEOUT_MS,
  JourneyDefinition,
  MessageStep,
  SendoutAudience,
  SendoutKind,
  SendoutMode,
  SendoutStage,
  journeyStepSendoutId,
  parseDurationMs,
  sendoutWorkflowId,
} from '@sendgate/domain';
import { JourneyRunsRepository, JourneysRepository, ProjectsRepository, SendoutsRepository } from '@sendgate/database';
import type { JourneyArrival, JourneyStepSendout } from '../workflows/journey-run.messages';

/** What the journey-run activities need; the worker's Nest context provides it. */
export interface JourneyActivityDeps {
  sendouts: SendoutsRepository;
  journeys: JourneysRepository;
  journeyRuns: JourneyRunsRepository;
  projects: ProjectsRepository;
}

const SENDOUT_NAME_CHARS = 200;

/** The activities of the journey-run workflow. */
export function createJourneyActivities(deps: JourneyActivityDeps) {
  return {
    startJourneyStep: startJourneyStepActivity(deps),
    finishJourneyRun: finishJourneyRunActivity(deps),
  };
}

export type JourneyActivities = ReturnType<typeof createJourneyActivities>;

/**
 * Stores the sendout of a message step for one arrival: the step's integration, content and gate
 * from the run's journey version, and its audience (the earlier sendout's path, or the run's own
 * audience, through the branches passed). Idempotent: the id derives from the run and the trail,
 * so a retry finds the row its first attempt stored. The journey-run workflow starts it as a child
 * at once, so the row counts as started (the unstarted-sendouts reconciler leaves it alone).
 */
function startJourneyStepActivity(deps: JourneyActivityDeps) {
  return async function startJourneyStep(input: { runId: string; stepId: string; arrival: JourneyArrival }): Promise<JourneyStepSendout> {
    const run = await deps.journeyRuns.findById(input.runId);
    if (!run) throw ApplicationFailure.nonRetryable(`journey run ${input.runId} does not exist`, 'JourneyRunNotFound');
    const journey = await deps.journeys.findVersion(run.journeyId, run.version);
    if (!journey)
      throw ApplicationFailure.nonRetryable(`journey ${run.journeyId} version ${run.version} does not exist`, 'JourneyNotFound');
    const step = messageStep(journey.definition, input.stepId);
    const project = await deps.projects.findById(journey.projectId);
    const id = journeyStepSendoutId(run.id, input.arrival.trail);
    const gate = step.gate?.enabled
      ? { timeoutMs: parseDurationMs(step.gate.timeout) ?? DEFAULT_GATE_TIMEOUT_MS, split: step.gate.split ?? false }
      : undefined;
    const names = {
      projectName: project?.name ?? journey.projectId,
      journeyName: journey.name,
      sendoutName: `${journey.name} · run ${run.runNumber} · ${input.stepId}`.slice(0, SENDOUT_NAME_CHARS),
    };
    await deps.sendouts.insert({
      id,
      accountId: run.accountId,
      projectId: journey.projectId,
      name: names.sendoutName,
      kind: SendoutKind.BATCH,
      mode: SendoutMode.JOURNEY,
      journeyName: journey.name,
      segmentId: null,
      contactIds: null,
      integrationId: step.integrationId,
      content: step.content,
      stage: SendoutStage.CREATED,
      workflowId: sendoutWorkflowId(id),
      gateEnabled: gate !== undefined,
      gateTimeoutMs: gate?.timeoutMs ?? null,
      gateSplit: gate?.split ?? false,
      gateActions: gate ? (step.gate?.actions ?? []) : null,
      sendAt: null,
      idempotencyKey: null,
      requestHash: null,
      feedbackEnabled: false,
      workflowStartedAt: new Date(),
      journeyRunId: run.id,
      journeyStepId: input.stepId,
      audience: audienceOf(journey.definition, run, input.arrival),
    }); // false: a retry of this activity, the row is the one its first attempt stored
    return { sendoutId: id, workflowId: sendoutWorkflowId(id), ...(gate ? { gate } : {}), names };
  };
}

/** Marks the run finished; a cancelled run's step sendouts stored but never started end CANCELED. */
function finishJourneyRunActivity(deps: JourneyActivityDeps) {
  return async function finishJourneyRun(input: {
    runId: string;
    stage: 'COMPLETED' | 'CANCELED' | 'FAILED';
    error?: string;
  }): Promise<void> {
    if (input.stage === 'CANCELED') await deps.sendouts.cancelUnstartedOfRun(input.runId);
    await deps.journeyRuns.finish(input.runId, input.stage, input.error?.slice(0, 4_000));
  };
}

function messageStep(definition: JourneyDefinition, stepId: string): MessageStep {
  const step = definition.steps.find((s) => s.id === stepId);
  if (step?.type !== 'message')
    throw ApplicationFailure.nonRetryable(`journey step ${stepId} is not a message step`, 'JourneyStepNotFound');
  return step;
}

function audienceOf(
  definition: JourneyDefinition,
  run: { segmentId: string | null; contactIds: string[] | null },
  arrival: JourneyArrival,
): SendoutAudience {
  const conditions: AudienceCondition[] = arrival.branches.map(({ stepId, match }) => {
    const branch = definition.steps.find((s): s is BranchStep => s.id === stepId && s.type === 'branch');
    if (!branch) throw ApplicationFailure.nonRetryable(`journey step ${stepId} is not a branch`, 'JourneyStepNotFound');
    return { filter: branch.filter, match };
  });
  if (arrival.from) return { from: arrival.from, conditions };
  return { ...(run.segmentId ? { segmentId: run.segmentId } : {}), ...(run.contactIds ? { contactIds: run.contactIds } : {}), conditions };
}
