import { Inject, Injectable, Logger } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { EspEventsRepository } from '@sendgate/database';
import { PeriodicPass } from '../common/periodic-pass';

const PAGE = 1_000;
const MAX_PAGES_PER_PASS = 100;

/**
 * Callback events that could not be applied when they came (their message not SENT yet, or its
 * ESP id not recorded yet) are applied by this pass, every SENDGATE_ESP_EVENTS_APPLY_INTERVAL_MS,
 * a keyset page at a time; those still matching no message after SENDGATE_ESP_EVENTS_UNMATCHED_AFTER_MS
 * become UNMATCHED. Every API process runs it: each statement is conditional on the current state.
 */
@Injectable()
export class EspEventsApplier extends PeriodicPass {
  constructor(
    private readonly events: EspEventsRepository,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {
    super(new Logger('EspEventsApplier'), 'apply pending callback events');
  }

  protected intervalMs(): number {
    return this.config.api.espEventsApplyIntervalMs;
  }

  protected async pass(): Promise<void> {
    let after = 0;
    for (let page = 0; page < MAX_PAGES_PER_PASS; page++) {
      const ids = await this.events.pendingIds(after, PAGE);
      if (ids.length === 0) break;
      await this.events.apply(ids);
      after = ids[ids.length - 1];
    }
    const unmatched = await this.events.markUnmatched(new Date(Date.now() - this.config.api.espEventsUnmatchedAfterMs));
    if (unmatched > 0) this.logger.log(`${unmatched} callback event(s) matched no message: marked UNMATCHED`);
  }
}
