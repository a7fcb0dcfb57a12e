import type { LoggerService } from '@nestjs/common';
import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';

/** Nest's start-up inventory (a line per module and per route): debug, not a hundred info lines per start. */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

class SendgateNestLogger extends NestPinoLogger {
  override log(message: any, ...optionalParams: any[]): void {
    const context = optionalParams.at(-1);
    if (typeof context === 'string' && START_UP_CONTEXTS.has(context)) return super.debug(message, ...optionalParams);
    super.log(message, ...optionalParams);
  }
}

/**
 * Nest's LoggerService over the process's pino logger: Nest's own lines and every
 * `new Logger('Context').log(…)` become JSON lines with a `context` field. Given to Nest when the
 * application is created, so a start that fails (a module's factory throws) is logged as JSON too.
 */
export function nestLogger(logger: Logger): LoggerService {
  const params = { pinoHttp: { logger } };
  return new SendgateNestLogger(new PinoLogger(params), params);
}
