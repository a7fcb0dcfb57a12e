import { Inject, Injectable, Logger } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { SandboxMessagesRepository } from '@sendgate/database';
import { PeriodicPass } from '../common/periodic-pass';

const PURGE_INTERVAL_MS = 10 * 60_000;

/**
 * Keeps the sandbox table from growing forever: rows older than SENDGATE_SANDBOX_RETENTION_HOURS
 * are deleted at start and every ten minutes. Every API process does it; the DELETE is idempotent.
 */
@Injectable()
export class SandboxRetentionService extends PeriodicPass {
  protected readonly passAtStart = true;

  constructor(
    private readonly messages: SandboxMessagesRepository,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {
    super(new Logger('SandboxRetention'), 'purge the sandbox');
  }

  /** Deletes what was received before the retention period; answers how many rows. */
  purge(now = new Date()): Promise<number> {
    return this.messages.purgeReceivedBefore(new Date(now.getTime() - this.config.sandbox.retentionHours * 3_600_000));
  }

  protected intervalMs(): number {
    return PURGE_INTERVAL_MS;
  }

  protected async pass(): Promise<void> {
    const deleted = await this.purge();
    if (deleted > 0) this.logger.log(`purged ${deleted} sandbox message(s) past retention`);
  }
}
