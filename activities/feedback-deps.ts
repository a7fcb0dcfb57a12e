import { Context } from '@temporalio/activity';
import { FeedbackDeliveriesRepository } from '@sendgate/database';
import { FeedbackDispatcher } from '@sendgate/feedback';

/** What the feedback activities need; the worker's Nest context provides it. */
export interface FeedbackActivityDeps {
  dispatcher: FeedbackDispatcher;
  deliveries: FeedbackDeliveriesRepository;
  /** The longest sleep of an idle dispatcher between two looks at the outbox. */
  pollIdleMs: number;
  /**
   * Aborts when the worker process begins to shut down. The long feedback activities then stop at
   * their next batch (or within an idle sleep) instead of holding the worker for its whole shutdown
   * grace: Temporal would cancel them only once that grace is over.
   */
  stopping?: AbortSignal;
}

/**
 * Whether the running feedback activity should stop now: it is cancelled (by its workflow, its
 * timeout, or the end of the worker's shutdown grace), or its worker has begun to shut down. A local
 * activity (an inline sendout's fan-out: at most a few hundred events) runs to its end, as the
 * workflow task that holds it does.
 */
export function stopCheck(stopping?: AbortSignal): { stop: () => boolean; wake?: AbortSignal } {
  const { cancellationSignal, info } = Context.current();
  const shutdown = info.isLocal ? undefined : stopping;
  // `wake`: what, besides the cancellation, ends an idle sleep early
  return { stop: () => cancellationSignal.aborted || shutdown?.aborted === true, wake: shutdown };
}
