import { FastifyInstance } from 'fastify';
import { withRouteConfig } from './route-config';

export const MB = 1024 * 1024;
/** Every route reads at most this much body unless it says otherwise with @BodyLimit. */
export const DEFAULT_BODY_LIMIT = MB;

/** A larger body limit for one route (a batch upload); over it the answer is a 413 naming the limit. */
export const BodyLimit = (bytes: number): MethodDecorator => withRouteConfig({ bodyLimit: bytes });

/** Must run before the routes are registered, i.e. before app.init(). */
export function applyBodyLimits(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    const limit = (route.config as { bodyLimit?: number } | undefined)?.bodyLimit;
    route.bodyLimit = limit ?? DEFAULT_BODY_LIMIT;
  });
}

/** "1 MB", "32 MB", "512 KB": how a limit is named in answers. */
export function formatBytes(bytes: number): string {
  return bytes >= MB && bytes % MB === 0
    ? `${bytes / MB} MB`
    : bytes >= 1024 && bytes % 1024 === 0
      ? `${bytes / 1024} KB`
      : `${bytes} bytes`;
}
