import { Inject, Injectable, Logger } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { SendoutsRepository } from '@sendgate/database';
import { SendoutWorkflowGateway } from '@sendgate/temporal';
import { PeriodicPass } from '../common/periodic-pass';
import { SendoutsService } from './sendouts.service';

const PER_PASS = 100;

/**
 * A sendout is stored, then its workflow is started. An API process that stops between the two
 * (a crash, a deploy) would leave it CREATED for ever; this starts every such sendout once it is
 * older than SENDGATE_UNSTARTED_SENDOUT_AFTER_MS. Starting is idempotent (the workflow id is the
 * sendout's), so several API processes doing it at once start each workflow once.
 */
@Injectable()
export class UnstartedSendoutsReconciler extends PeriodicPass {
  constructor(
    private readonly sendouts: SendoutsRepository,
    private readonly service: SendoutsService,
    private readonly workflows: SendoutWorkflowGateway,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {
    super(new Logger('UnstartedSendouts'), 'start unstarted sendouts');
  }

  protected intervalMs(): number {
    return Math.max(1_000, Math.floor(this.config.api.unstartedSendoutAfterMs / 2));
  }

  protected async pass(): Promise<void> {
    const stuck = await this.sendouts.findUnstarted(new Date(Date.now() - this.config.api.unstartedSendoutAfterMs), PER_PASS);
    if (stuck.length === 0) return;
    // With Temporal down a start would fail and mark the sendout FAILED: wait for it to return instead.
    await this.workflows.ping();
    for (const sendout of stuck) {
      try {
        await this.service.startStored(sendout);
        this.logger.log(`started the workflow of sendout ${sendout.id}, stored ${sendout.createdAt.toISOString()} without one`);
      } catch (error) {
        // One that cannot start (its project gone, say) ends FAILED; the others go on.
        this.logger.warn(`could not start the workflow of sendout ${sendout.id}: ${(error as Error).message}`);
      }
    }
  }
}
