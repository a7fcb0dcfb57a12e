import { CanActivate, ExecutionContext, Injectable, SetMetadata, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource, IsNull } from 'typeorm';
import { ApiKeyEntity } from '@sendgate/database';
import { hashApiKey, readApiKey } from './api-key';

export interface AuthContext {
  accountId: string;
  apiKeyId: string;
}

const PUBLIC = 'sendgate:public';
/** Marks a route that needs no API key (health, sandbox ESP, signed URIs). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The authenticated account of the request. */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => ctx.switchToHttp().getRequest().auth);

const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly cache = new Map<string, { auth: AuthContext; until: number }>();

  constructor(private readonly reflector: Reflector, private readonly dataSource: DataSource) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest();
    const key = readApiKey(request.headers.authorization);
    if (!key) throw unauthorized('send an API key as "Authorization: Bearer <key>" or "Authorization: App <key>"');
    const auth = await this.lookup(hashApiKey(key));
    if (!auth) throw unauthorized('the API key is not valid');
    request.auth = auth;
    return true;
  }

  private async lookup(hash: string): Promise<AuthContext | undefined> {
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.auth;
    const row = await this.dataSource.getRepository(ApiKeyEntity).findOneBy({ keyHash: hash, revokedAt: IsNull() });
    if (!row) return undefined;
    const auth = { accountId: row.accountId, apiKeyId: row.id };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(hash, { auth, until: Date.now() + CACHE_TTL_MS });
    return auth;
  }
}

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
}
