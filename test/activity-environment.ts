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

/**
 * The same activities, each call run in a fresh ActivityEnvironment named after the activity: for
 * specs that call activities one after the other, with the context a worker gives them (`log`).
 */
export function inActivityEnvironment<T extends object>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      (...args: unknown[]) => new ActivityEnvironment({ activityType: name }).run(fn as (...a: unknown[]) => Promise<unknown>, ...args),
    ]),
  ) as T;
}
