import { FailedMessage, MessagesRepository } from '@sendgate/database';

const FLUSH_EVERY = 100;

/** Buffers per-message outcomes and writes them in batches while the page is still sending. */
export class OutcomeRecorder {
  private sentIds: Array<{ id: number; espMessageId?: string }> = [];
  private failures: FailedMessage[] = [];

  /** `feedback`: the sendout reports status changes, so each batch also queues its feedback rows. */
  constructor(
    private readonly messages: MessagesRepository,
    private readonly feedback = false,
  ) {}

  /** Buffers a sent message; answers a promise only when that fills the batch and it is written. */
  sent(id: number, espMessageId?: string): Promise<void> | undefined {
    this.sentIds.push({ id, espMessageId });
    return this.sentIds.length >= FLUSH_EVERY ? this.flushSent() : undefined;
  }

  /** Buffers a failed message; answers a promise only when that fills the batch and it is written. */
  failed(id: number, reason: string): Promise<void> | undefined {
    this.failures.push({ id, reason });
    return this.failures.length >= FLUSH_EVERY ? this.flushFailed() : undefined;
  }

  async flush(): Promise<void> {
    await Promise.all([this.flushSent(), this.flushFailed()]);
  }

  private async flushSent(): Promise<void> {
    const ids = this.sentIds;
    this.sentIds = [];
    if (ids.length > 0) await this.messages.markSent(ids, { feedback: this.feedback });
  }

  private async flushFailed(): Promise<void> {
    const failures = this.failures;
    this.failures = [];
    if (failures.length > 0) await this.messages.markFailed(failures, { feedback: this.feedback });
  }
}
