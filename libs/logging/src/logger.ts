/**
 * The one pino logger of a Sendgate process (API or worker): JSON lines on stdout in production,
 * readable lines under `make start` (SENDGATE_LOG_FORMAT=pretty), secrets redacted either way.
 */
import { DestinationStream, Logger, LoggerOptions, pino, stdSerializers, stdTimeFunctions } from 'pino';
import pretty from 'pino-pretty';
import type { LogConfig } from '@sendgate/config';
import { redactFields, redactSecrets, serializeRequest, serializeResponse } from './redaction';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** `api` or `worker`: the `name` field of every line. */
  name: string;
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/**
 * The serializers every logger of ours applies: requests with masked URLs, responses as a status,
 * errors with stack and their fields censored (an HTTP client's error carries the request's headers).
 */
export const LOG_SERIALIZERS = {
  req: serializeRequest,
  res: serializeResponse,
  err: (error: Error) => redactSecrets(stdSerializers.err(error)),
};

/**
 * Secret-named fields are censored before pino writes a line or a child logger's bindings: one pass
 * over the fields. (pino's own `redact` walks each of its paths on every child logger; pino-http
 * makes two a request, and that was a fifth of the CPU of the API's cheapest route.)
 */
const CENSOR: Pick<NonNullable<LoggerOptions['formatters']>, 'log' | 'bindings'> = {
  log: (fields) => redactFields(fields, LOG_SERIALIZERS),
  bindings: (bindings) => redactFields(bindings, LOG_SERIALIZERS),
};

/** In a terminal a request line's message says it all (`POST /v1/sendouts 202`): its req and res objects are left out. */
const PRETTY_IGNORED = 'pid,hostname,req,res';

export function createLogger(config: LogConfig, options: CreateLoggerOptions): Logger {
  const base: LoggerOptions = {
    name: options.name,
    level: config.level,
    serializers: LOG_SERIALIZERS,
    formatters: CENSOR,
    timestamp: stdTimeFunctions.isoTime,
  };
  if (config.format === 'pretty') {
    const colorize = options.destination === undefined && process.stdout.isTTY;
    const prettyOptions = { colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: PRETTY_IGNORED, singleLine: true };
    return pino(base, pretty(options.destination === undefined ? prettyOptions : { ...prettyOptions, destination: options.destination }));
  }
  // Level names, not numbers: what log pipelines and people filter on.
  const json: LoggerOptions = { ...base, formatters: { ...CENSOR, level: (label) => ({ level: label }) } };
  return options.destination === undefined ? pino(json) : pino(json, options.destination);
}
