import { ConflictException, Injectable } from '@nestjs/common';
import { ApiKeysRepository, ApiKeyView, NewApiKey } from '@sendgate/database';
import { assertNever } from '@sendgate/domain';
import { notFound } from '../common/not-found';

@Injectable()
export class ApiKeysService {
  constructor(private readonly keys: ApiKeysRepository) {}

  create(accountId: string, name: string): Promise<NewApiKey> {
    return this.keys.create(accountId, name);
  }

  list(accountId: string): Promise<ApiKeyView[]> {
    return this.keys.list(accountId);
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
