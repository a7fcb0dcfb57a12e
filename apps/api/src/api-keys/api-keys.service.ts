import { ConflictException, Injectable } from '@nestjs/common';
import { ApiKeysRepository, ApiKeyView, NewApiKey } from '@sendgate/database';
import { assertNever } from '@sendgate/domain';
import { notFound } from '../common/not-found';
import { IntegrationsService } from '../integrations/integrations.service';
import { ProjectsService } from '../projects/projects.service';
import { KeyEmailDefaultsDto } from './dto/key-email-defaults.dto';

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly projects: ProjectsService,
    private readonly integrations: IntegrationsService,
  ) {}

  create(accountId: string, name: string): Promise<NewApiKey> {
    return this.keys.create(accountId, name);
  }

  list(accountId: string): Promise<ApiKeyView[]> {
    return this.keys.list(accountId);
  }

  /** Sets which project (and email integration) the email API sends through with this key. */
  async setEmailDefaults(accountId: string, id: string, dto: KeyEmailDefaultsDto): Promise<ApiKeyView> {
    await this.projects.get(accountId, dto.projectId, 'projectId');
    if (dto.integrationId !== undefined) await this.integrations.getEmail(accountId, dto.integrationId, 'integrationId');
    const defaults = { projectId: dto.projectId, ...(dto.integrationId !== undefined ? { integrationId: dto.integrationId } : {}) };
    if (!(await this.keys.setEmailDefaults(accountId, id, defaults))) throw notFound('API key', id);
    return (await this.keys.list(accountId)).find((key) => key.id === id)!;
  }

  /** Revokes at once on every API process (the guard reads keys on each request). */
  async revoke(accountId: string, id: string): Promise<void> {
    const outcome = await this.keys.revoke(accountId, id);
    switch (outcome) {
      case 'REVOKED':
        return;
      case 'NOT_FOUND':
        throw notFound('API key', id);
      case 'LAST_ACTIVE_KEY':
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: "this is the account's last active API key; revoking it would lock the account out: create another key first",
        });
      default:
        return assertNever(outcome);
    }
  }
}
