import { Injectable, NestMiddleware, PayloadTooLargeException } from '@nestjs/common';
import { IncomingMessage } from 'node:http';

/** The sandbox stores what it is sent, so it takes far less than the API's bulk endpoints. */
export const SANDBOX_BODY_LIMIT_BYTES = 256 * 1024;

export function sandboxBodyTooLarge(): PayloadTooLargeException {
  return new PayloadTooLargeException({
    statusCode: 413, error: 'Payload Too Large', message: `the sandbox ESP accepts bodies of up to ${SANDBOX_BODY_LIMIT_BYTES / 1024} KB`,
  });
}

/**
 * Refuses an oversized body by its Content-Length before it is read (Nest middleware runs in
 * Fastify's onRequest hook, ahead of body parsing). A chunked body has no length to check; the
 * service measures that one after parsing, under the API's global body limit.
 */
@Injectable()
export class SandboxBodyLimitMiddleware implements NestMiddleware {
  use(request: IncomingMessage, _response: unknown, next: () => void): void {
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > SANDBOX_BODY_LIMIT_BYTES) throw sandboxBodyTooLarge();
    next();
  }
}
