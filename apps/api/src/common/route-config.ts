import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';

/**
 * Adds fields to a handler's Fastify route config (Nest passes it on when it registers the route),
 * where the onRoute hooks installed by createApiApp read them. Unlike @RouteConfig, several of
 * these decorators can sit on one handler.
 */
export function withRouteConfig(fields: Record<string, unknown>): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const current = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {}) as Record<string, unknown>;
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...current, ...fields }, handler);
    return descriptor;
  };
}
