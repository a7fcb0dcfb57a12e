import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JourneyView, JourneysRepository } from '@sendgate/database';
import { FieldError, JourneyDefinition, JourneyStep, validateJourneyDefinition } from '@sendgate/domain';
import { notFound } from '../common/not-found';
import { badRequest } from '../common/validation';
import { ProjectsService } from '../projects/projects.service';
import { CreateJourneyDto, JourneyVersionPageDto, JourneyViewDto, UpdateJourneyDto } from './dto/journey.dto';

const DEFAULT_VERSIONS_PAGE = 100;

@Injectable()
export class JourneysService {
  constructor(
    private readonly journeys: JourneysRepository,
    private readonly projects: ProjectsService,
  ) {}

  async create(accountId: string, dto: CreateJourneyDto): Promise<JourneyViewDto> {
    const definition = await this.checkDefinition(accountId, dto);
    await this.projects.get(accountId, dto.projectId, 'projectId');
    const id = randomUUID();
    await this.journeys.create({ id, accountId, projectId: dto.projectId, name: dto.name, definition });
    return this.get(accountId, id);
  }

  /** Publishes a new version; the earlier ones stay readable (runs keep the version they started with). */
  async update(accountId: string, id: string, dto: UpdateJourneyDto): Promise<JourneyViewDto> {
    await this.get(accountId, id); // an unknown journey is a 404 before its body is judged
    const definition = await this.checkDefinition(accountId, dto);
    const version = await this.journeys.addVersion(accountId, id, { name: dto.name, definition });
    if (version === undefined) throw notFound('journey', id);
    return this.get(accountId, id, version);
  }

  async get(accountId: string, id: string, version?: number): Promise<JourneyViewDto> {
    const journey = await this.journeys.find(accountId, id, version);
    if (!journey) throw version === undefined ? notFound('journey', id) : notFound(`journey ${id} version`, String(version), 'version');
    return toView(journey);
  }

  async versions(accountId: string, id: string, before: number | undefined, limit = DEFAULT_VERSIONS_PAGE): Promise<JourneyVersionPageDto> {
    const versions = await this.journeys.listVersions(accountId, id, { before, limit });
    if (!versions) throw notFound('journey', id);
    const last = versions[versions.length - 1];
    return { versions, ...(versions.length === limit && last.version > 1 ? { next: last.version } : {}) };
  }

  async delete(accountId: string, id: string): Promise<void> {
    if (!(await this.journeys.softDelete(accountId, id))) throw notFound('journey', id);
  }

  /** The graph, then each message step's integration: it must be one of the account's. */
  private async checkDefinition(accountId: string, dto: UpdateJourneyDto): Promise<JourneyDefinition> {
    const errors = validateJourneyDefinition(dto);
    if (errors.length > 0) throw badRequest(errors);
    const definition: JourneyDefinition = { entryStepId: dto.entryStepId, steps: dto.steps };
    const wanted = definition.steps.flatMap((step: JourneyStep, i) => (step.type === 'message' ? [{ i, id: step.integrationId }] : []));
    const owned = await this.journeys.ownedIntegrations(accountId, [...new Set(wanted.map((w) => w.id))]);
    const foreign: FieldError[] = wanted
      .filter((w) => !owned.has(w.id))
      .map((w) => ({ field: `steps[${w.i}].integrationId`, message: `integration ${JSON.stringify(w.id)} does not exist` }));
    if (foreign.length > 0) throw badRequest(foreign);
    return definition;
  }
}

function toView(journey: JourneyView): JourneyViewDto {
  return {
    id: journey.id,
    name: journey.name,
    projectId: journey.projectId,
    version: journey.version,
    entryStepId: journey.definition.entryStepId,
    steps: journey.definition.steps,
    createdAt: journey.createdAt,
  };
}
