import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { Client, WorkflowIdConflictPolicy } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { MessagesRepository, SendoutEntity } from '@sendgate/database';
import {
  ContentTemplate, ContentTemplateError, MESSAGE_STATES, MessageCounts, MessageState, SendoutStage, sendoutWorkflowId,
} from '@sendgate/domain';
import { ProjectNameKey, SendoutIdKey, SendoutKindKey, SendoutNameKey, SendoutStageKey, sendoutWorkflow } from '@sendgate/workflows';
import { IntegrationsService } from '../integrations/integrations.service';
import { ProjectsService } from '../projects/projects.service';
import { SegmentsService } from '../segments/segments.service';
import { badRequest } from '../common/validation';
import { notFound } from '../common/not-found';
import { CreateSendoutDto } from './dto/create-sendout.dto';

export interface SendoutView {
  id: string;
  workflowId: string;
  projectId: string;
  name: string;
  kind: string;
  stage: SendoutStage;
  counts: Record<MessageState, number>;
  total: number;
  lastError: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

@Injectable()
export class SendoutsService {
  private readonly logger = new Logger('Sendouts');

  constructor(
    private readonly dataSource: DataSource,
    private readonly messages: MessagesRepository,
    private readonly temporal: Client,
    private readonly projects: ProjectsService,
    private readonly segments: SegmentsService,
    private readonly integrations: IntegrationsService,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

  private get sendouts() {
    return this.dataSource.getRepository(SendoutEntity);
  }

  /** Stores the sendout, then starts its workflow (starting twice returns the running one). */
  async create(accountId: string, dto: CreateSendoutDto): Promise<SendoutView> {
    if ((dto.segmentId === undefined) === (dto.contactIds === undefined)) {
      throw badRequest([{ field: 'segmentId', message: 'give exactly one of segmentId or contactIds' }]);
    }
    try {
      ContentTemplate.compile(dto.content);
    } catch (error) {
      if (error instanceof ContentTemplateError) throw badRequest(error.errors);
      throw error;
    }
    const project = await this.projects.get(accountId, dto.projectId, 'projectId');
    await this.integrations.get(accountId, dto.integrationId, 'integrationId');
    if (dto.segmentId) await this.segments.get(accountId, dto.segmentId, 'segmentId');

    const id = randomUUID();
    const sendout: Partial<SendoutEntity> = {
      id, accountId, projectId: project.id, name: dto.name, kind: dto.kind ?? 'batch',
      segmentId: dto.segmentId ?? null, contactIds: dto.contactIds ? [...new Set(dto.contactIds)] : null,
      integrationId: dto.integrationId, content: dto.content, stage: SendoutStage.CREATED, workflowId: sendoutWorkflowId(id),
    };
    await this.sendouts.insert(sendout);
    await this.startWorkflow(sendout as SendoutEntity, project.name);
    return this.get(accountId, id);
  }

  async get(accountId: string, id: string): Promise<SendoutView> {
    const sendout = await this.sendouts.findOneBy({ id, accountId });
    if (!sendout) throw notFound('sendout', id);
    const counts = zeroFilled(await this.messages.countByState(id));
    return {
      id: sendout.id,
      workflowId: sendout.workflowId,
      projectId: sendout.projectId,
      name: sendout.name,
      kind: sendout.kind,
      stage: sendout.stage,
      counts,
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      lastError: sendout.lastError,
      createdAt: sendout.createdAt,
      completedAt: sendout.completedAt,
    };
  }

  private async startWorkflow(sendout: SendoutEntity, projectName: string): Promise<void> {
    try {
      await this.temporal.workflow.start(sendoutWorkflow, {
        taskQueue: this.config.temporal.taskQueue,
        workflowId: sendout.workflowId,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        args: [{ sendoutId: sendout.id, tuning: this.config.sendout }],
        typedSearchAttributes: [
          { key: SendoutIdKey, value: sendout.id },
          { key: ProjectNameKey, value: projectName },
          { key: SendoutNameKey, value: sendout.name },
          { key: SendoutKindKey, value: sendout.kind },
          { key: SendoutStageKey, value: SendoutStage.CREATED },
        ],
      });
    } catch (error) {
      const message = (error as Error).message;
      this.logger.error(`could not start workflow ${sendout.workflowId}: ${message}`);
      await this.sendouts.update({ id: sendout.id }, { stage: SendoutStage.FAILED, lastError: `workflow did not start: ${message}` });
      throw new ServiceUnavailableException({
        statusCode: 503, error: 'Service Unavailable', message: 'the sendout could not be started: Temporal is unreachable; try again', sendoutId: sendout.id,
      });
    }
  }
}

function zeroFilled(counts: MessageCounts): Record<MessageState, number> {
  return Object.fromEntries(MESSAGE_STATES.map((s) => [s, counts[s] ?? 0])) as Record<MessageState, number>;
}
