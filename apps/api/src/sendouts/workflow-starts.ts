import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';

export interface StartLimits {
  /** Starts running at once; 0 leaves every start to the UnstartedSendoutsReconciler. */
  concurrency: number;
  /** Starts waiting for a free slot beyond those running; more are refused. */
  queued: number;
}

/**
 * Starts that run after the request that stored their sendout has answered: at most `concurrency`
 * at a time, at most `queued` more waiting. A start it refuses (full, or shutting down) or drops
 * at shutdown is not lost: its sendout stays CREATED without a confirmed start, which the
 * UnstartedSendoutsReconciler starts later. A task reports its own failure (it never throws here).
 */
export class BoundedStarter {
  private readonly waiting: Array<() => Promise<unknown>> = [];
  private readonly running = new Set<Promise<void>>();
  private pumpScheduled = false;
  private closed = false;
  private full = false;

  constructor(
    private readonly limits: StartLimits,
    protected readonly logger: Logger,
  ) {}

  /** Takes the start if there is room; it begins once the current turn of the event loop (the answer) is done. */
  offer(task: () => Promise<unknown>): boolean {
    const { concurrency, queued } = this.limits;
    if (this.closed || concurrency === 0) return false;
    if (this.running.size + this.waiting.length >= concurrency + queued) {
      // Said once per spell of refusals, not once per request.
      if (!this.full) this.logger.warn(`${queued} workflow starts already waiting: further ones left to the unstarted-sendouts reconciler`);
      this.full = true;
      return false;
    }
    if (this.full) this.logger.log('workflow starts are taken again');
    this.full = false;
    this.waiting.push(task);
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
    return true;
  }

  /** Refuses new starts, drops the waiting ones (left to the reconciler) and awaits those running. */
  async close(): Promise<void> {
    this.closed = true;
    const dropped = this.waiting.splice(0).length;
    if (dropped > 0) this.logger.log(`${dropped} queued workflow starts left to the unstarted-sendouts reconciler`);
    await Promise.all([...this.running]);
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.limits.concurrency && this.waiting.length > 0) {
      const task = this.waiting.shift()!;
      const run: Promise<void> = Promise.resolve()
        .then(task)
        .then(
          () => undefined,
          (error: Error) => this.logger.warn(`a queued workflow start failed: ${error.message}`),
        )
        .finally(() => {
          this.running.delete(run);
          this.pump();
        });
      this.running.add(run);
    }
  }
}

/**
 * The API process's starter of sendout workflows stored by a request that answers before the start
 * (the email API). At shutdown the starts under way finish before the database closes.
 */
@Injectable()
export class SendoutStarts extends BoundedStarter implements OnModuleDestroy {
  constructor(@Inject(SENDGATE_CONFIG) config: SendgateConfig) {
    super(config.api.workflowStarts, new Logger('SendoutStarts'));
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}
