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

/** What the client is told; `internal` marks an answer whose real cause must be logged, never shown. */
export function toErrorBody(exception: unknown, context: ErrorContext = {}): { body: ErrorBody; internal: boolean } {
  if (exception instanceof HttpException) return { body: fromHttpException(exception), internal: false };
  const fastify = fromFastifyError(exception, context);
  if (fastify) return { body: fastify, internal: false };
  const database = fromDatabaseError(exception);
  if (database) return { body: database, internal: false };
  return { body: shape(500, 'internal error'), internal: true };
}

function fromHttpException(exception: HttpException): ErrorBody {
  const status = exception.getStatus();
  const response = exception.getResponse();
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
  if (typeof code !== 'string' || !code.startsWith('FST_') || typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { ...shape(413, `the body is larger than this route's limit of ${formatBytes(context.bodyLimit ?? 0)}`), limit: context.bodyLimit };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return shape(415, `the content type ${JSON.stringify(context.contentType ?? '')} is not accepted: send application/json`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return shape(400, 'the body does not match its Content-Length');
    case 'FST_ERR_BAD_URL':
      return shape(400, 'the URL is not valid: check its percent-encoding');
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

function shape(status: number, message: string): ErrorBody {
  return { statusCode: status, error: reason(status), message };
}

function reason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
