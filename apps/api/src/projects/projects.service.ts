import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable } from '@nestjs/common';
import { ProjectEntity, ProjectsRepository } from '@sendgate/database';
import { DEFAULT_GATE_TIMEOUT_MS, GateAction, parseDurationMs } from '@sendgate/domain';
import { notFound } from '../common/not-found';
import { badRequest } from '../common/validation';
import { IntegrationsService } from '../integrations/integrations.service';
import { ProjectEmailDefaultsDto } from './dto/project-email-defaults.dto';

@Injectable()
export class ProjectsService {
  constructor(
    private readonly projects: ProjectsRepository,
    private readonly integrations: IntegrationsService,
  ) {}

  async create(accountId: string, name: string): Promise<ProjectEntity> {
    if (await this.projects.nameTaken(accountId, name)) {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: `a project named ${JSON.stringify(name)} already exists`,
        field: 'name',
      });
    }
    const project = { id: randomUUID(), accountId, name };
    await this.projects.insert(project);
    return this.get(accountId, project.id);
  }

  /** Replaces the project's gate actions (each sendout's own actions are added after these). */
  async setGateActions(accountId: string, id: string, actions: GateAction[]): Promise<ProjectEntity> {
    const errors = actions.flatMap((action, i) =>
      typeof action.id === 'string' && action.id.length > 0 && action.id.length <= 200
        ? []
        : [{ field: `actions[${i}].id`, message: 'must be a string of 1 to 200 characters' }],
    );
    if (errors.length > 0) throw badRequest(errors);
    await this.get(accountId, id);
    await this.projects.setGateActions(accountId, id, actions);
    return this.get(accountId, id);
  }

  /** The email API's default integration and gate for sends through this project. */
  async setEmailDefaults(accountId: string, id: string, dto: ProjectEmailDefaultsDto): Promise<ProjectEntity> {
    await this.get(accountId, id);
    await this.integrations.getEmail(accountId, dto.integrationId, 'integrationId');
    const gate = dto.gate && {
      enabled: dto.gate.enabled,
      ...(dto.gate.enabled
        ? { timeoutMs: dto.gate.timeout === undefined ? DEFAULT_GATE_TIMEOUT_MS : parseDurationMs(dto.gate.timeout)! }
        : {}),
    };
    await this.projects.setEmailDefaults(accountId, id, { integrationId: dto.integrationId, ...(gate ? { gate } : {}) });
    return this.get(accountId, id);
  }

  async get(accountId: string, id: string, field?: string): Promise<ProjectEntity> {
    const project = await this.projects.find(accountId, id);
    if (!project) throw notFound('project', id, field);
    return project;
  }
}
