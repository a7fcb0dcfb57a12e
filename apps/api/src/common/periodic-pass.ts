import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';

/**
 * A background pass each API process runs on an interval (reconcilers, appliers, pollers, purges):
 * one pass at a time (a slow one is never overlapped), a failure logged and tried again at the
 * next interval, and at shutdown the timer stopped and a running pass awaited before the database
 * closes (modules are destroyed before the application's shutdown hooks close it).
 */
export abstract class PeriodicPass implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  protected constructor(
    protected readonly logger: Logger,
    /** What the pass does, for the log line of a failure: "could not <what>". */
    private readonly what: string,
  ) {}

  protected abstract intervalMs(): number;

  protected abstract pass(): Promise<void>;

  /** Whether to run a pass at once when the application starts, not only after the first interval. */
  protected readonly passAtStart: boolean = false;

  onApplicationBootstrap(): void {
    if (this.passAtStart) void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs());
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): Promise<void> {
    this.running ??= this.pass()
      .catch((error: Error) => this.logger.warn(`could not ${this.what} (tried again next pass): ${error.message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
