import { ExecutionContext, HttpException, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { FastifyInstance, onRequestHookHandler } from 'fastify';
import { GateAction, GateClaims, GateTokenCheck, GateUris } from '@sendgate/gate';
import { withRouteConfig } from '../common/route-config';

/** Marks a route whose `:token` is a signed gate token for `action`; the handler reads it with @GateTokenClaims(). */
export const GateToken = (action: GateAction): MethodDecorator =>
  applyDecorators(withRouteConfig({ gateToken: action }), ApiParam({ name: 'token', type: String, description: 'the signed gate token' }));

/** The claims of the route's token, as the onRequest hook verified them. */
export const GateTokenClaims = createParamDecorator((_: unknown, context: ExecutionContext): GateClaims => {
  const claims = context.switchToHttp().getRequest<{ gateClaims?: GateClaims }>().gateClaims;
  if (!claims) throw new Error('@GateTokenClaims() on a route without @GateToken()');
  return claims;
});

/**
 * The gate URIs are public, so their token (an HMAC and an expiry, no database) is checked when the
 * request arrives, before Fastify reads a body of up to 32 MB: a forged or expired URI costs a
 * hash, not an upload. The claims it verified are kept on the request for the handler, so the
 * token is checked once.
 */
export function checkGateTokensFirst(fastify: FastifyInstance, uris: GateUris): void {
  fastify.addHook('onRoute', (route) => {
    const action = (route.config as { gateToken?: GateAction } | undefined)?.gateToken;
    if (!action) return;
    const check: onRequestHookHandler = (request, _reply, done) => {
      const result = uris.check(String((request.params as { token?: unknown }).token ?? ''), action);
      if (!result.ok) return done(gateTokenRefusal(result));
      (request as { gateClaims?: GateClaims }).gateClaims = result.claims;
      done();
    };
    route.onRequest = [...[route.onRequest ?? []].flat(), check];
  });
}

/** 401 for a forged token or one for another action, 410 once it has expired. */
export function gateTokenRefusal(check: Extract<GateTokenCheck, { ok: false }>): HttpException {
  return new HttpException(
    { statusCode: check.status, error: check.status === 410 ? 'Gone' : 'Unauthorized', message: check.message },
    check.status,
  );
}
