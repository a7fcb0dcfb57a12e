/**
 * The Temporal SDK logs through the worker's pino logger: its own lines (worker lifecycle, activity
 * failures and retries), workflows' `log` (replay-aware, through the SDK's sink, with `workflowId`)
 * and activities' `log` (with `workflowId`, `activity` and `sendoutId`), all as our JSON lines.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { Runtime } from '@temporalio/worker';
import type { LogLevel as TemporalLogLevel, Logger as TemporalLogger, LogMetadata } from '@temporalio/common';
import type { LogLevelName } from '@sendgate/config';
import type { Logger } from '@sendgate/logging';

const PINO_LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** Temporal's Logger interface over pino: `error` meta becomes pino's `err` (with its stack), the task token is dropped. */
export class TemporalPinoLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: TemporalLogLevel, message: string, meta?: LogMetadata): void {
    const method = PINO_LEVELS[level];
    if (!this.logger.isLevelEnabled(method)) return;
    this.logger[method](fieldsOf(meta), message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

function fieldsOf(meta: LogMetadata | undefined): Record<string, unknown> {
  if (!meta) return {};
  // The task token completes the activity from outside: a capability, not a diagnostic.
  const { error, taskToken: _taskToken, ...rest } = meta;
  return error === undefined ? rest : { ...rest, err: error };
}

/**
 * Every line logged while an activity runs (its own `log` calls and the SDK's, such as "Activity
 * failed" before a retry) carries `activity` (the activity type) and, when the input names one,
 * `sendoutId`, next to the SDK's `workflowId`. The SDK's "Activity started" comes before the input
 * is seen, so it has no `sendoutId`.
 */
export const activityLogAttributes: ActivityInterceptorsFactory = (ctx) => {
  let sendoutId: string | undefined;
  return {
    inbound: {
      execute: (input, next) => {
        sendoutId = sendoutIdOf(input.args[0]);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes: (input, next) => {
        const { activityType: _activityType, ...attributes } = next(input);
        return { ...attributes, activity: ctx.info.activityType, ...(sendoutId === undefined ? {} : { sendoutId }) };
      },
    },
  };
};

function sendoutIdOf(input: unknown): string | undefined {
  const id = typeof input === 'object' && input !== null ? (input as { sendoutId?: unknown }).sendoutId : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** Native SDK core logs at INFO and above at most: its DEBUG is a line per poll. */
function coreLevel(level: LogLevelName): TemporalLogLevel {
  switch (level) {
    case 'trace':
    case 'debug':
    case 'info':
      return 'INFO';
    case 'warn':
      return 'WARN';
    case 'fatal':
    case 'error':
    case 'silent':
      return 'ERROR';
  }
}

/**
 * Installs the process's Temporal runtime (once, before the first connection) with our logger, the
 * native core's logs forwarded to it, and the Prometheus exporter when the worker serves metrics.
 */
export function installTemporalRuntime(logger: Logger, level: LogLevelName, sdkMetricsAddress?: string): void {
  Runtime.install({
    logger: new TemporalPinoLogger(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: coreLevel(level), other: 'ERROR' } },
      ...(sdkMetricsAddress === undefined ? {} : { metrics: { prometheus: { bindAddress: sdkMetricsAddress } } }),
    },
  });
}
