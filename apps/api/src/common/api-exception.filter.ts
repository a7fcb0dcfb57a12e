import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { toInfobipBody } from '../email/infobip-errors';
import { ErrorBody, toErrorBody } from './error-body';

/**
 * The one place that shapes error answers: HttpExceptions from controllers and services, Fastify's
 * body and content-type errors, database refusals of bad input, and unexpected errors (a 500
 * whose cause is logged here and never sent).
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { body, internal } = toErrorBody(exception, {
      bodyLimit: request.routeOptions?.bodyLimit,
      contentType: request.headers?.['content-type'],
    });
    if (internal) this.logger.error(`${request.method} ${request.routeOptions?.url ?? '(no route)'}: ${describe(exception)}`);
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.isHeadersSent(reply)) return; // a stream failed midway: the connection is closed, nothing more to say
    adapter.reply(reply, shapeFor(request.url, body), body.statusCode);
  }
}

/**
 * The Infobip-compatible routes answer in Infobip's shape: every error under /email/, also those
 * raised before a controller runs (a body unparsable, a content type refused, a method it lacks).
 */
function shapeFor(url: string | undefined, body: ErrorBody): unknown {
  return url?.startsWith('/email/') ? toInfobipBody(body) : body;
}

function describe(exception: unknown): string {
  return exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
}

/**
 * Fastify's router refuses some URLs (bad percent-encoding, a path segment over maxParamLength)
 * before any route, and so before Nest, is involved: the same shape, through Fastify's own hook.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { body } = toErrorBody(error);
  void reply.status(body.statusCode).send(shapeFor(request.url, body));
}
