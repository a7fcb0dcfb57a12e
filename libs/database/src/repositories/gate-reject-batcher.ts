/**
 * Groups the cancelUri / rejectUri calls that arrive together into one transaction: a reject storm
 * costs one round of statements and one commit per batch instead of per call. Each caller still
 * waits for the commit of its own batch and gets its own answer, so a 200 means the reject is
 * durable, as it did when every call had its own transaction.
 */
import { GateRepository, RejectOutcome, RejectRequest } from './gate.repository';

export interface RejectBatchOptions {
  /** How long the first reject of a batch waits for others to join it. */
  windowMs: number;
  /** A batch this large is flushed at once. */
  maxSize: number;
}

interface Waiting {
  request: RejectRequest;
  resolve: (outcome: RejectOutcome) => void;
  reject: (error: unknown) => void;
}

export class GateRejectBatcher {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly gates: GateRepository,
    private readonly options: RejectBatchOptions,
  ) {}

  /** Answers as GateRepository.reject does, once the batch the call joined has committed (or failed). */
  reject(sendoutId: string, messageId: number, reason: string | null): Promise<RejectOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request: { sendoutId, messageId, reason }, resolve, reject });
      if (this.waiting.length >= this.options.maxSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  /** Batches flush independently: one still committing does not hold up the next. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    this.gates.rejectMany(batch.map((w) => w.request)).then(
      (outcomes) => batch.forEach((w, i) => w.resolve(outcomes[i])),
      (error: unknown) => batch.forEach((w) => w.reject(error)),
    );
  }
}
