/**
 * An activity run the way a worker runs it, without a worker or a server: Temporal's
 * MockActivityEnvironment gives the function a real activity context, reports its heartbeats and
 * delivers cancellation (an operator's, by default). This one also keeps the heartbeats it saw.
 */
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';

export class ActivityEnvironment extends MockActivityEnvironment {
  readonly heartbeats: unknown[] = [];

  constructor(info: Partial<Info> = {}) {
    super(info, { logger: new DefaultLogger('ERROR') });
    this.on('heartbeat', (details: unknown) => this.heartbeats.push(details));
  }
}
