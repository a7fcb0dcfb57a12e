import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { SandboxMessagesRepository } from '@sendgate/database';

const PURGE_INTERVAL_MS = 10 * 60_000;

/**
 * Keeps the sandbox table from growing forever: rows older than SENDGATE_SANDBOX_RETENTION_HOURS
 * are deleted at start and every ten minutes. Every API process does it; the DELETE is idempotent.
 */
@Injectable()
export class SandboxRetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SandboxRetention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly messages: SandboxMessagesRepository,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), PURGE_INTERVAL_MS).unref();
  }

  /** Stops the timer and lets a running purge finish before the database closes. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes what was received before the retention period; answers how many rows. */
  purge(now = new Date()): Promise<number> {
    return this.messages.purgeReceivedBefore(new Date(now.getTime() - this.config.sandbox.retentionHours * 3_600_000));
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.purge()
      .then((deleted) => {
        if (deleted > 0) this.logger.log(`purged ${deleted} sandbox message(s) past retention`);
      })
      .catch((error: Error) => this.logger.warn(`sandbox purge failed (retried in ten minutes): ${error.message}`))
      .finally(() => {
        this.running = undefined;
      });
  }
}
