import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable, Logger, ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';
import {
  EspIntegrationEntity,
  FeedbackWebhooksRepository,
  GateRepository,
  JourneyRunsRepository,
  MessagesRepository,
  SendoutEntity,
  SendoutsRepository,
} from '@sendgate/database';
import {
  canonicalHash,
  ContentTemplate,
  ContentTemplateError,
  SENDOUT_PATHS,
  SendoutPath,
  sendoutPaths,
  MESSAGE_STATES,
  MessageCounts,
  MessageState,
  SendoutKind,
  SendoutMode,
  SendoutStage,
  isFinished,
  sendoutIdForKey,
  sendoutWorkflowId,
  totalOf,
} from '@sendgate/domain';
import { SendoutStart, SendoutWorkflowGateway } from '@sendgate/temporal';
import { INLINE_CONTACTS } from '@sendgate/workflows';
import { IntegrationsService } from '../integrations/integrations.service';
import { ProjectsService } from '../projects/projects.service';
import { SegmentsService } from '../segments/segments.service';
import { badRequest } from '../common/validation';
import { notFound } from '../common/not-found';
import { CreateSendoutDto, SendoutFeedbackDto } from './dto/create-sendout.dto';
import { SendoutPlan, planSendout } from './sendout-rules';

export interface SendoutView {
  id: string;
  workflowId: string;
  projectId: string;
  name: string;
  kind: string;
  mode: string;
  journeyName: string | null;
  journeyRun?: { journeyId: string; run: number; stepId: string };
  campaign?: { campaignId: string; stepId: string };
  stage: SendoutStage;
  counts: Record<MessageState, number>;
  total: number;
  gate: {
    enabled: boolean;
    state?: string;
    timeoutMs?: number;
    expiresAt?: Date;
    split?: boolean;
    decidedBy?: string | null;
    webhook?: { attempts: number; deliveredAt: Date | null; lastError: string | null };
  };
  paths?: { accepted: number; rejected: number; timedOut: number; excluded: number };
  sendAt: Date | null;
  idempotencyKey: string | null;
  lastError: string | null;
  createdAt: Date;
  completedAt: Date | null;
  feedback: { webhookIds: string[] } | null;
}

@Injectable()
export class SendoutsService {
  private readonly logger = new Logger('Sendouts');

  constructor(
    private readonly sendouts: SendoutsRepository,
    private readonly messages: MessagesRepository,
    private readonly gates: GateRepository,
    private readonly workflows: SendoutWorkflowGateway,
    private readonly projects: ProjectsService,
    private readonly segments: SegmentsService,
    private readonly integrations: IntegrationsService,
    private readonly feedbackWebhooks: FeedbackWebhooksRepository,
    private readonly journeyRuns: JourneyRunsRepository,
  ) {}

  /**
   * Stores the sendout, then starts its workflow (starting twice returns the running one). With an
   * Idempotency-Key the sendout's id derives from it: a retried request finds the sendout its first
   * attempt made (`created: false`), whatever the timing; the same key with another body is a 422.
   */
  async create(accountId: string, dto: CreateSendoutDto, idempotencyKey?: string): Promise<{ view: SendoutView; created: boolean }> {
    const { plan, errors } = planSendout(dto);
    try {
      ContentTemplate.compile(dto.content);
    } catch (error) {
      if (!(error instanceof ContentTemplateError)) throw error;
      errors.push(...error.errors);
    }
    if (errors.length > 0) throw badRequest(errors);
    const requestHash = idempotencyKey === undefined ? null : canonicalHash(dto);
    const id = idempotencyKey === undefined ? randomUUID() : sendoutIdForKey(accountId, idempotencyKey);
    if (idempotencyKey !== undefined) {
      const earlier = await this.replay(accountId, id, requestHash!);
      if (earlier) return earlier;
    }

    const project = await this.projects.get(accountId, dto.projectId, 'projectId');
    const integration = await this.integrations.getActive(accountId, dto.integrationId, 'integrationId');
    if (dto.segmentId) await this.segments.get(accountId, dto.segmentId, 'segmentId');
    const webhookIds = dto.feedback ? await this.feedbackWebhooksFor(accountId, integration, dto.feedback) : [];

    const sendout: Partial<SendoutEntity> = {
      id,
      accountId,
      projectId: project.id,
      name: dto.name,
      kind: plan.kind,
      mode: plan.mode,
      journeyName: dto.journeyName ?? null,
      segmentId: dto.segmentId ?? null,
      contactIds: dto.contactIds ? [...new Set(dto.contactIds)] : null,
      integrationId: dto.integrationId,
      content: dto.content,
      stage: SendoutStage.CREATED,
      workflowId: sendoutWorkflowId(id),
      gateEnabled: plan.gate !== undefined,
      gateTimeoutMs: plan.gate?.timeoutMs ?? null,
      gateSplit: plan.gate?.split ?? false,
      gateActions: dto.gate?.enabled ? (dto.gate.actions ?? []) : null,
      sendAt: plan.sendAt ?? null,
      idempotencyKey: idempotencyKey ?? null,
      requestHash,
      feedbackEnabled: webhookIds.length > 0,
    };
    if (!(await this.sendouts.insert(sendout, webhookIds))) {
      // A concurrent retry of the same request inserted it first: answer that one.
      const earlier = idempotencyKey !== undefined ? await this.replay(accountId, id, requestHash!) : undefined;
      if (earlier) return earlier;
      // The same answer as any other duplicate key.
      throw new ConflictException({ statusCode: 409, error: 'Conflict', message: 'it already exists' });
    }
    await this.startWorkflow(sendout as SendoutEntity, project.name, plan);
    return { view: await this.get(accountId, id), created: true };
  }

  /**
   * The webhooks a new sendout reports to: the listed ones, each a webhook of the account for the
   * integration's channel (else a 400 naming it), or all such webhooks as they are now.
   */
  private async feedbackWebhooksFor(accountId: string, integration: EspIntegrationEntity, feedback: SendoutFeedbackDto): Promise<string[]> {
    const ofChannel = await this.webhooksOfChannel(accountId, integration.channel);
    if (feedback.allWebhooks) return ofChannel;
    const usable = new Set(ofChannel);
    const ids = feedback.webhookIds ?? [];
    const errors = ids.flatMap((id, i) =>
      usable.has(id)
        ? []
        : [
            {
              field: `feedback.webhookIds[${i}]`,
              message: `is not a feedback webhook of this account for the ${integration.channel} channel`,
            },
          ],
    );
    if (errors.length > 0) throw badRequest(errors);
    return [...new Set(ids)];
  }

  /** The ids of the account's feedback webhooks for a channel, as they are now (what `allWebhooks` gives). */
  async webhooksOfChannel(accountId: string, channel: string): Promise<string[]> {
    return (await this.feedbackWebhooks.list(accountId)).filter((w) => w.channels.split(',').includes(channel)).map((w) => w.id);
  }

  /**
   * Starts the workflow of a sendout another feature (the email API) stored and accepted: queued
   * on SendoutStarts after the request answered, or before acting on it (ensureStarted). A start
   * that fails leaves the sendout CREATED: the UnstartedSendoutsReconciler starts it later, so the
   * request it came from is still accepted. Answers whether it started now.
   */
  async startAccepted(sendout: SendoutEntity, projectName: string, plan: SendoutPlan): Promise<boolean> {
    try {
      await this.workflows.start(await this.workflowStart(sendout, projectName, plan));
    } catch (error) {
      this.logger.warn(`workflow ${sendout.workflowId} did not start, left to the reconciler: ${(error as Error).message}`);
      return false;
    }
    await this.sendouts.markWorkflowStarted(sendout.id);
    return true;
  }

  /**
   * The sendout an earlier request with the same key made, if any. One whose first attempt stopped
   * before its workflow started gets it started now (idempotent: the workflow id is fixed).
   */
  private async replay(accountId: string, id: string, requestHash: string): Promise<{ view: SendoutView; created: false } | undefined> {
    const earlier = await this.sendouts.find(accountId, id);
    if (!earlier) return undefined;
    if (earlier.requestHash !== requestHash) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        field: 'Idempotency-Key',
        sendoutId: earlier.id,
        message: 'this Idempotency-Key was already used with a different request body; use a new key for a new sendout',
      });
    }
    if (earlier.stage === SendoutStage.CREATED) await this.startStored(earlier);
    return { view: await this.get(accountId, id), created: false };
  }

  /** Starts the workflow of a stored sendout from its row (idempotent: its workflow id is fixed). */
  async startStored(sendout: SendoutEntity): Promise<void> {
    const project = await this.projects.get(sendout.accountId, sendout.projectId, 'projectId');
    await this.startWorkflow(sendout, project.name, storedPlan(sendout));
  }

  /**
   * Before something acts on a sendout's workflow (cancel, pause, reschedule): starts it if its
   * start is not confirmed yet (still queued after the request answered, or left to the
   * reconciler), so that the action reaches a workflow. Idempotent (the workflow id is fixed). A
   * start that fails leaves the sendout CREATED and answers 503.
   */
  async ensureStarted(accountId: string, id: string): Promise<void> {
    const sendout = await this.sendouts.find(accountId, id);
    if (!sendout || sendout.stage !== SendoutStage.CREATED || sendout.workflowStartedAt !== null) return;
    const project = await this.projects.get(sendout.accountId, sendout.projectId, 'projectId');
    if (!(await this.startAccepted(sendout, project.name, storedPlan(sendout)))) {
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'the sendout has not started yet and Temporal is unreachable; try again',
      });
    }
  }

  async get(accountId: string, id: string): Promise<SendoutView> {
    const sendout = await this.find(accountId, id);
    const counts = zeroFilled(await this.messages.countByState(id));
    const gate = sendout.gateEnabled ? await this.gates.find(id) : undefined;
    const run = sendout.journeyRunId ? await this.journeyRuns.findById(sendout.journeyRunId) : undefined;
    return {
      id: sendout.id,
      workflowId: sendout.workflowId,
      projectId: sendout.projectId,
      name: sendout.name,
      kind: sendout.kind,
      mode: sendout.mode,
      journeyName: sendout.journeyName,
      ...(run ? { journeyRun: { journeyId: run.journeyId, run: run.runNumber, stepId: sendout.journeyStepId ?? '' } } : {}),
      ...(sendout.campaignId ? { campaign: { campaignId: sendout.campaignId, stepId: sendout.campaignStepId ?? '' } } : {}),
      stage: sendout.stage,
      counts,
      total: totalOf(counts),
      gate: sendout.gateEnabled
        ? {
            enabled: true,
            state: gate?.state,
            timeoutMs: sendout.gateTimeoutMs ?? undefined,
            expiresAt: gate?.expiresAt,
            split: sendout.gateSplit,
            decidedBy: gate?.decidedBy,
            webhook: gate && { attempts: gate.notifyAttempts, deliveredAt: gate.notifiedAt, lastError: gate.lastNotifyError },
          }
        : { enabled: false },
      ...(sendout.gateEnabled && sendout.gateSplit ? { paths: sendoutPaths(counts) } : {}),
      sendAt: sendout.sendAt,
      idempotencyKey: sendout.idempotencyKey,
      lastError: sendout.lastError,
      createdAt: sendout.createdAt,
      completedAt: sendout.completedAt,
      feedback: sendout.feedbackEnabled ? { webhookIds: await this.feedbackWebhooks.forSendout(id) } : null,
    };
  }

  /**
   * Cancels a sendout in any stage: the workflow stops claiming and sending, closes an open gate
   * and marks every unsent message CANCELED. A finished sendout answers 409.
   */
  async cancel(accountId: string, id: string): Promise<SendoutView> {
    const sendout = await this.find(accountId, id);
    if (isFinished(sendout.stage)) {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        stage: sendout.stage,
        message: `the sendout is already ${sendout.stage}`,
      });
    }
    // One whose start is still queued would start after the cancel found nothing to cancel.
    if (sendout.stage === SendoutStage.CREATED && sendout.workflowStartedAt === null) await this.ensureStarted(accountId, id);
    await this.workflows.cancel(sendout.workflowId);
    return this.get(accountId, id);
  }

  /** The contacts on one path of the split, or excluded for want of an address, keyset-paginated by message id. */
  async listPath(accountId: string, id: string, path: SendoutPath, after: number, limit: number) {
    await this.find(accountId, id);
    const items = await this.messages.contactsPage(id, after, limit, SENDOUT_PATHS[path]);
    return { path, items, next: items.length === limit ? items[items.length - 1].messageId : null };
  }

  private async find(accountId: string, id: string): Promise<SendoutEntity> {
    const sendout = await this.sendouts.find(accountId, id);
    if (!sendout) throw notFound('sendout', id);
    return sendout;
  }

  /**
   * The workflow's start. A listed audience of at most INLINE_CONTACTS runs inline (its page a
   * local activity), unless its integration has a rate limit: a page waiting on the limit would hold
   * its run's workflow task, and the worker's slot for it, all that time.
   */
  private async workflowStart(sendout: SendoutEntity, projectName: string, plan: SendoutPlan): Promise<SendoutStart> {
    const listed = sendout.contactIds !== null && sendout.contactIds.length <= INLINE_CONTACTS;
    const integration = listed ? await this.integrations.get(sendout.accountId, sendout.integrationId).catch(() => undefined) : undefined;
    return workflowStart(sendout, projectName, plan, integration !== undefined && integration.rateLimitPerSecond === null);
  }

  private async startWorkflow(sendout: SendoutEntity, projectName: string, plan: SendoutPlan): Promise<void> {
    try {
      await this.workflows.start(await this.workflowStart(sendout, projectName, plan));
    } catch (error) {
      const message = (error as Error).message;
      this.logger.error(`could not start workflow ${sendout.workflowId}: ${message}`);
      await this.sendouts.markNotStarted(sendout.id, `workflow did not start: ${message}`);
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'the sendout could not be started: Temporal is unreachable; try again',
        sendoutId: sendout.id,
      });
    }
    await this.sendouts.markWorkflowStarted(sendout.id);
  }
}

function workflowStart(sendout: SendoutEntity, projectName: string, plan: SendoutPlan, inline: boolean) {
  return {
    sendoutId: sendout.id,
    workflowId: sendout.workflowId,
    name: sendout.name,
    kind: sendout.kind,
    journeyName: sendout.journeyName,
    projectName,
    gate: plan.gate,
    sendAt: plan.sendAt,
    feedback: sendout.feedbackEnabled,
    inline,
  };
}

function storedPlan(sendout: SendoutEntity): SendoutPlan {
  return {
    kind: sendout.kind as SendoutKind,
    mode: sendout.mode as SendoutMode,
    gate: sendout.gateEnabled ? { timeoutMs: sendout.gateTimeoutMs!, split: sendout.gateSplit } : undefined,
    sendAt: sendout.sendAt ?? undefined,
  };
}

function zeroFilled(counts: MessageCounts): Record<MessageState, number> {
  return Object.fromEntries(MESSAGE_STATES.map((s) => [s, counts[s] ?? 0])) as Record<MessageState, number>;
}
