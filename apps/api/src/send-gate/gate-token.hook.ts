import { HttpException } from '@nestjs/common';
import { FastifyInstance, onRequestHookHandler } from 'fastify';
import { GateAction, GateTokenCheck, GateUris } from '@sendgate/gate';
import { withRouteConfig } from '../common/route-config';

/** Marks a route whose `:token` is a signed gate token for `action`. */
export const GateToken = (action: GateAction): MethodDecorator => withRouteConfig({ gateToken: action });

/**
 * The gate URIs are public, so their token (an HMAC and an expiry, no database) is checked when the
 * request arrives, before Fastify reads a body of up to 32 MB: a forged or expired URI costs a
 * hash, not an upload. The service checks the token again; both answer the same.
 */
export function checkGateTokensFirst(fastify: FastifyInstance, uris: GateUris): void {
  fastify.addHook('onRoute', (route) => {
    const action = (route.config as { gateToken?: GateAction } | undefined)?.gateToken;
    if (!action) return;
    const check: onRequestHookHandler = (request, _reply, done) => {
      const result = uris.check(String((request.params as { token?: unknown }).token ?? ''), action);
      done(result.ok ? undefined : gateTokenRefusal(result));
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
