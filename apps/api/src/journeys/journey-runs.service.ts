import { ConflictException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { countOnPathsAndExcluded, JourneyDefinition, JourneyPath, MessageCounts, MessageStep, parseDurationMs } from '@sendgate/domain';
import { JourneyRunView, JourneyRunsRepository, JourneysRepository } from '@sendgate/database';
import { JourneyRunStep, JourneyRunProgress } from '@sendgate/workflows';
import { JourneyRunWorkflowGateway } from '@sendgate/temporal';
import { IntegrationsService } from '../integrations/integrations.service';
import { notFound } from '../common/not-found';
import { ProjectsService } from '../projects/projects.service';
import { SegmentsService } from '../segments/segments.service';
import { JourneyRunPageDto, JourneyRunStepDto, JourneyRunViewDto, StartJourneyRunDto } from './dto/journey.dto';

const DEFAULT_RUNS_PAGE = 50;
const GATED_PATHS: JourneyPath[] = ['accepted', 'rejected', 'timedOut'];

/** Runs of a journey: each a journey-run workflow over the version current when it started. */
@Injectable()
export class JourneyRunsService {
  constructor(
    private readonly journeys: JourneysRepository,
    private readonly runs: JourneyRunsRepository,
    private readonly workflows: JourneyRunWorkflowGateway,
    private readonly projects: ProjectsService,
    private readonly segments: SegmentsService,
    private readonly integrations: IntegrationsService,
  ) {}

  /**
   * Stores the run at the journey's current version, then starts its workflow. Every integration
   * the version sends through must be active now (a 409 names the step), so a run does not fail
   * at its third step for a reason known at the start.
   */
  async start(accountId: string, journeyId: string, dto: StartJourneyRunDto): Promise<JourneyRunViewDto> {
    const journey = await this.journeys.find(accountId, journeyId);
    if (!journey) throw notFound('journey', journeyId);
    if (dto.segmentId) await this.segments.get(accountId, dto.segmentId, 'segmentId');
    await this.checkIntegrations(accountId, journey.definition);
    const project = await this.projects.get(accountId, journey.projectId, 'projectId');

    const run = await this.runs.create({
      accountId,
      journeyId,
      version: journey.version,
      ...(dto.segmentId ? { segmentId: dto.segmentId } : {}),
      ...(dto.contactIds ? { contactIds: [...new Set(dto.contactIds)] } : {}),
    });
    try {
      await this.workflows.start({
        runId: run.id,
        workflowId: run.workflowId,
        runNumber: run.runNumber,
        entryStepId: journey.definition.entryStepId,
        steps: runSteps(journey.definition),
        names: { projectName: project.name, journeyName: journey.name },
      });
    } catch (error) {
      await this.runs.finish(run.id, 'FAILED', `the workflow could not start: ${(error as Error).message}`);
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'the run could not start: Temporal is unreachable; try again',
        run: run.runNumber,
      });
    }
    return this.get(accountId, journeyId, run.runNumber);
  }

  /** The run with every step of its version: where the run is, and per message step its counts and paths. */
  async get(accountId: string, journeyId: string, runNumber: number): Promise<JourneyRunViewDto> {
    const run = await this.find(accountId, journeyId, runNumber);
    const [journey, sendouts, progress] = await Promise.all([
      this.journeys.findVersion(journeyId, run.version),
      this.runs.stepSendouts(run.id),
      this.workflows.progress(run.workflowId),
    ]);
    const steps = (journey?.definition.steps ?? []).map((step): JourneyRunStepDto => {
      const own = sendouts.filter((s) => s.stepId === step.id);
      const status = stepStatus(progress, step.id, own.length > 0, run.stage);
      if (step.type !== 'message') return { id: step.id, type: step.type, status };
      const paths = pathsShown(step);
      const views = own.map((s) => ({
        id: s.sendoutId,
        stage: s.stage,
        counts: filled(s.counts),
        paths: countOnPathsAndExcluded(s.counts, paths),
      }));
      const counts = sumCounts(own.map((s) => s.counts));
      return {
        id: step.id,
        type: step.type,
        status,
        counts: filled(counts),
        paths: countOnPathsAndExcluded(counts, paths),
        sendouts: views,
      };
    });
    return { ...summary(run), steps };
  }

  async list(accountId: string, journeyId: string, before: number | undefined, limit = DEFAULT_RUNS_PAGE): Promise<JourneyRunPageDto> {
    if (!(await this.journeys.find(accountId, journeyId))) throw notFound('journey', journeyId);
    const runs = await this.runs.list(accountId, journeyId, { afterRunNumber: before, limit });
    const last = runs[runs.length - 1];
    return { runs: runs.map(summary), ...(runs.length === limit && last.runNumber > 1 ? { next: last.runNumber } : {}) };
  }

  /** Cancels the run: its sendouts in progress are cancelled, the steps it has not reached never start. */
  async cancel(accountId: string, journeyId: string, runNumber: number): Promise<JourneyRunViewDto> {
    const run = await this.find(accountId, journeyId, runNumber);
    if (run.stage !== 'RUNNING') {
      throw new ConflictException({ statusCode: 409, error: 'Conflict', stage: run.stage, message: `the run is already ${run.stage}` });
    }
    await this.workflows.cancel(run.workflowId);
    return this.get(accountId, journeyId, runNumber);
  }

  private async find(accountId: string, journeyId: string, runNumber: number): Promise<JourneyRunView> {
    const run = await this.runs.find(accountId, journeyId, runNumber);
    if (!run) throw notFound(`journey ${journeyId} run`, String(runNumber), 'run');
    return run;
  }

  private async checkIntegrations(accountId: string, definition: JourneyDefinition): Promise<void> {
    const checked = new Set<string>();
    for (const [i, step] of definition.steps.entries()) {
      if (step.type !== 'message' || checked.has(step.integrationId)) continue;
      await this.integrations.getActive(accountId, step.integrationId, `steps[${i}].integrationId`);
      checked.add(step.integrationId);
    }
  }
}

/** The graph the workflow walks: ids, kinds, paths and waits; contents and filters stay in the database. */
function runSteps(definition: JourneyDefinition): JourneyRunStep[] {
  return definition.steps.map((step): JourneyRunStep => {
    switch (step.type) {
      case 'message':
        return { id: step.id, type: 'message', next: step.next ?? {} };
      case 'wait':
        return { id: step.id, type: 'wait', waitMs: parseDurationMs(step.duration)!, next: step.next };
      case 'branch':
        return { id: step.id, type: 'branch', next: step.next };
      case 'end':
        return { id: step.id, type: 'end' };
    }
  });
}

function summary(run: JourneyRunView): Omit<JourneyRunViewDto, 'steps'> {
  return {
    run: run.runNumber,
    journeyId: run.journeyId,
    version: run.version,
    stage: run.stage,
    workflowId: run.workflowId,
    ...(run.segmentId ? { segmentId: run.segmentId } : {}),
    ...(run.contactIds ? { contactIds: run.contactIds } : {}),
    ...(run.lastError ? { lastError: run.lastError } : {}),
    createdAt: run.createdAt,
    ...(run.completedAt ? { completedAt: run.completedAt } : {}),
  };
}

/**
 * The run's own account of a step when Temporal answers (waits are known only there); otherwise
 * what the database shows: a message step with a sendout was reached.
 */
function stepStatus(progress: JourneyRunProgress | undefined, stepId: string, hasSendouts: boolean, stage: string): string {
  const seen = progress?.steps[stepId];
  if (seen) {
    if (seen.waiting > 0) return 'waiting';
    if (seen.running > 0) return 'running';
    if (seen.done > 0) return 'done';
  }
  if (hasSendouts) return stage === 'RUNNING' ? 'running' : 'done';
  return 'not reached';
}

function pathsShown(step: MessageStep): JourneyPath[] {
  return step.gate?.enabled ? GATED_PATHS : ['sent'];
}

function sumCounts(all: MessageCounts[]): MessageCounts {
  const total: MessageCounts = {};
  for (const counts of all)
    for (const [state, n] of Object.entries(counts))
      total[state as keyof MessageCounts] = (total[state as keyof MessageCounts] ?? 0) + (n ?? 0);
  return total;
}

function filled(counts: MessageCounts): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => (n ?? 0) > 0)) as Record<string, number>;
}
