/**
 * Errors of the Infobip-compatible routes in Infobip's own shape, so that its clients (curl
 * scripts, the official SDKs) read them as they would Infobip's:
 * `{"requestError":{"serviceException":{"messageId","text","validationErrors"}}}`.
 * The same causes as every other route (toErrorBody), only the body differs: ApiExceptionFilter
 * answers every error under /email/ in this shape.
 */
import { ErrorBody } from '../common/error-body';

export interface InfobipErrorBody {
  requestError: {
    serviceException: {
      messageId: string;
      text: string;
      validationErrors?: Record<string, string[]>;
    };
  };
}

const MESSAGE_IDS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  429: 'TOO_MANY_REQUESTS',
};

/** Our error body as Infobip's: the status picks the messageId, field errors become validationErrors. */
export function toInfobipBody(body: ErrorBody): InfobipErrorBody {
  const messageId = MESSAGE_IDS[body.statusCode] ?? (body.statusCode >= 500 ? 'GENERAL_ERROR' : 'BAD_REQUEST');
  // no prototype: a field named like one of Object's members (hasOwnProperty, constructor) is just a key
  const validationErrors: Record<string, string[]> = Object.create(null);
  for (const { field, message } of body.errors ?? []) (validationErrors[field] ??= []).push(message);
  if (body.field && !body.errors) validationErrors[body.field] = [body.message];
  const text = body.statusCode === 401 ? 'Invalid login details' : body.message;
  return {
    requestError: {
      serviceException: { messageId, text, ...(Object.keys(validationErrors).length > 0 ? { validationErrors } : {}) },
    },
  };
}
