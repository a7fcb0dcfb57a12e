import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { FieldError } from '@sendgate/domain';
import { formatBytes } from './body-limits';

/** Every error answer of the API, whatever raised it. Services may add fields such as `state` or `stage`. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: FieldError[];
  field?: string;
  [extra: string]: unknown;
}

export interface ErrorContext {
  bodyLimit?: number;
  contentType?: string;
}

/** Messages may quote the request (Nest's "Cannot GET <url>"); a 10,000-character URL is not echoed whole. */
const MAX_MESSAGE = 1_000;

/** What the client is told; `internal` marks an answer whose real cause must be logged, never shown. */
export function toErrorBody(exception: unknown, context: ErrorContext = {}): { body: ErrorBody; internal: boolean } {
  const { body, internal } = classify(exception, context);
  return { body: body.message.length > MAX_MESSAGE ? { ...body, message: `${body.message.slice(0, MAX_MESSAGE)}…` } : body, internal };
}

function classify(exception: unknown, context: ErrorContext): { body: ErrorBody; internal: boolean } {
  if (exception instanceof HttpException) return { body: fromHttpException(exception, context), internal: false };
  const fastify = fromFastifyError(exception, context);
  if (fastify) return { body: fastify, internal: false };
  const database = fromDatabaseError(exception);
  if (database) return { body: database, internal: false };
  return { body: shape(500, 'internal error'), internal: true };
}

function fromHttpException(exception: HttpException, context: ErrorContext): ErrorBody {
  const status = exception.getStatus();
  const response = exception.getResponse();
  // Nest turns Fastify's body errors into a bare HttpException(message, status) before any filter sees them.
  if (typeof response === 'string' && status === 413) return tooLarge(context);
  if (typeof response === 'string' && status === 415) return unsupportedMediaType(context);
  if (typeof response === 'string') return shape(status, response);
  const { statusCode: _ignored, error, message, ...rest } = response as Record<string, unknown>;
  return {
    statusCode: status,
    error: typeof error === 'string' ? error : reason(status),
    message: Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : reason(status),
    ...rest,
  };
}

/** Fastify's own 4xx (body, content type, URL), which reach the filter before any Nest code ran. */
function fromFastifyError(exception: unknown, context: ErrorContext): ErrorBody | undefined {
  const { code, statusCode } = (exception ?? {}) as { code?: unknown; statusCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_') || typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500)
    return undefined;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return tooLarge(context);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType(context);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return shape(400, 'the body does not match its Content-Length');
    case 'FST_ERR_BAD_URL':
      return shape(400, 'the URL is not valid: check its percent-encoding');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return shape(414, 'a segment of the URL path is longer than any id or token');
    default:
      return shape(statusCode, (exception as Error).message);
  }
}

/** Database refusals caused by input that slipped past validation; everything else is a 500. */
function fromDatabaseError(exception: unknown): ErrorBody | undefined {
  const error = exception as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = error?.driverError?.code ?? error?.code;
  switch (code) {
    case 'ER_DATA_TOO_LONG':
    case 'SQLITE_TOOBIG':
      return shape(400, 'a value is longer than it may be');
    case 'ER_TRUNCATED_WRONG_VALUE':
    case 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD':
    case 'ER_WARN_DATA_OUT_OF_RANGE':
      return shape(400, 'a value is out of range or not valid text');
    case 'ER_DUP_ENTRY':
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return shape(409, 'it already exists');
    default:
      return undefined;
  }
}

function tooLarge(context: ErrorContext): ErrorBody {
  return {
    ...shape(413, `the body is larger than this route's limit of ${formatBytes(context.bodyLimit ?? 0)}`),
    limit: context.bodyLimit,
  };
}

function unsupportedMediaType(context: ErrorContext): ErrorBody {
  return shape(415, `the content type ${JSON.stringify(context.contentType ?? '')} is not accepted: send application/json`);
}

function shape(status: number, message: string): ErrorBody {
  return { statusCode: status, error: reason(status), message };
}

function reason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
