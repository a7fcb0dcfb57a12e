import { CanActivate, ExecutionContext, Injectable, SetMetadata, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { readApiKey } from '@sendgate/crypto';
import { ApiKeysRepository } from '@sendgate/database';

export interface AuthContext {
  accountId: string;
  apiKeyId: string;
}

const PUBLIC = 'sendgate:public';
/** Marks a route that needs no API key (health, sandbox ESP, signed URIs). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The authenticated account of the request. */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => ctx.switchToHttp().getRequest().auth);

/**
 * Every request looks its key up in the database (one unique-index read): no cache, so a revoked
 * key is refused on the very next request on every API process.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest();
    const key = readApiKey(request.headers.authorization);
    if (!key)
      throw unauthorized(
        'send an API key as "Authorization: Bearer <key>", "Authorization: App <key>" or "Authorization: Basic base64(user:<key>)"',
      );
    const auth = await this.keys.findActive(key);
    if (!auth) throw unauthorized('the API key is not valid');
    request.auth = auth;
    return true;
  }
}

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
}
