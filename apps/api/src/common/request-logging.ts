/**
 * One log line per request (method, masked URL, status, response time, request id) through
 * pino-http, and Nest's Logger over the same pino logger: a line logged while a request is handled
 * carries its `reqId`, which the answer's `x-request-id` header names too.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import { LOG_SERIALIZERS, Logger, maskUrl } from '@sendgate/logging';

/** Probes and scrapes come every few seconds: their lines are debug, so they show only when asked for. */
const PROBE_PATHS = /^\/(health|metrics)(\/|\?|$)/;
/** A caller's own request id is kept when it is a plain token; anything else gets a fresh one. */
const CALLER_REQUEST_ID = /^[\w.:-]{1,128}$/;

type RawRequest = IncomingMessage & { originalUrl?: string };

const pathOf = (req: RawRequest) => maskUrl(req.originalUrl ?? req.url ?? '');
const requestLine = (req: RawRequest, res: ServerResponse) => `${req.method} ${pathOf(req)} ${res.statusCode}`;

export function requestLogging(logger: Logger): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      logger,
      serializers: LOG_SERIALIZERS,
      // Lines logged during a request name it by reqId only; the request's own line has it whole.
      quietReqLogger: true,
      customLogLevel: (req: RawRequest, res: ServerResponse, error?: Error) => {
        if (PROBE_PATHS.test(pathOf(req))) return 'debug';
        return error || res.statusCode >= 500 ? 'error' : 'info';
      },
      customSuccessMessage: requestLine,
      customErrorMessage: requestLine,
    },
  });
}

/**
 * Fastify's `genReqId`: the caller's `x-request-id` when it is a plain token, a fresh UUID otherwise.
 * Fastify names the request with it, and pino-http takes that name.
 */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Every answer names its request, so a caller can point at the log line. */
export function answerWithRequestId(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
}
