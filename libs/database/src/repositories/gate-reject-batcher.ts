/**
 * Groups the cancelUri / rejectUri calls that arrive together into one transaction: a reject storm
 * costs one round of statements and one commit per batch instead of per call. Each caller still
 * waits for the commit of its own batch and gets its own answer, so a 200 means the reject is
 * durable, as it did when every call had its own transaction.
 *
 * Batches size themselves to the load: while `concurrency` batches are committing, the calls that
 * arrive wait and form the next batch, which starts as soon as one of them has committed. So the
 * API goes on reading requests while the database commits, and a lone call waits for no one.
 */
import { GateRepository, RejectOutcome, RejectRequest } from './gate.repository';

export interface RejectBatchOptions {
  /** How long the first reject of a batch waits for others to join it (0: those of the same event loop turn). */
  windowMs: number;
  /** A batch this large is flushed at once. */
  maxSize: number;
  /** How many batches may be committing at once. */
  concurrency: number;
}

interface Waiting {
  request: RejectRequest;
  resolve: (outcome: RejectOutcome) => void;
  reject: (error: unknown) => void;
}

export class GateRejectBatcher {
  private waiting: Waiting[] = [];
  private committing = 0;
  /** Cancels the flush scheduled for the waiting batch, if one is. */
  private cancelFlush: (() => void) | undefined;

  constructor(
    private readonly gates: GateRepository,
    private readonly options: RejectBatchOptions,
  ) {}

  /** Answers as GateRepository.reject does, once the batch the call joined has committed (or failed). */
  reject(sendoutId: string, messageId: number, reason: string | null): Promise<RejectOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request: { sendoutId, messageId, reason }, resolve, reject });
      if (this.committing >= this.options.concurrency) return; // it goes when a batch has committed
      if (this.waiting.length >= this.options.maxSize) this.flush();
      else this.cancelFlush ??= this.scheduleFlush();
    });
  }

  /** Starts batches while fewer than `concurrency` commit; what waits beyond that goes when one has committed. */
  private readonly flush = (): void => {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    while (this.waiting.length > 0 && this.committing < this.options.concurrency) {
      const batch = this.waiting.splice(0, this.options.maxSize);
      this.committing += 1;
      this.gates
        .rejectMany(batch.map((w) => w.request))
        .then(
          (outcomes) => batch.forEach((w, i) => w.resolve(outcomes[i])),
          (error: unknown) => batch.forEach((w) => w.reject(error)),
        )
        .finally(() => {
          this.committing -= 1;
          this.flush();
        });
    }
  };

  /** A flush after `windowMs`, or on the next event loop turn when it is 0; answers its cancel. */
  private scheduleFlush(): () => void {
    if (this.options.windowMs === 0) {
      const immediate = setImmediate(this.flush);
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(this.flush, this.options.windowMs);
    return () => clearTimeout(timer);
  }
}
