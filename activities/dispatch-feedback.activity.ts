import { Context } from '@temporalio/activity';
import { FeedbackActivityDeps, stopCheck } from './feedback-deps';
import { whileBeating } from './heartbeat';

const FIRST_IDLE_SLEEP_MS = 25;
/**
 * Batches in flight at once: one is claimed and posted while the other records its outcomes, so the
 * receivers stay busy between claims.
 */
export const BATCHES_IN_FLIGHT = 2;

/**
 * The dispatcher's long run: delivers the outbox batch after batch for about `maxRunMs`, then
 * returns so the workflow can start the next run (and keep its history short). When the outbox has
 * nothing due it sleeps, twice as long each empty look, up to the configured idle sleep.
 * Returns early, once its batches in flight have settled, when the worker begins to shut down: the
 * workflow schedules the next run, which another worker (or this one's successor) takes. What it
 * leased and did not settle (a cancel at the end of the grace) comes back to any dispatcher once
 * the lease expires.
 */
export function dispatchFeedbackActivity({ dispatcher, pollIdleMs, stopping }: FeedbackActivityDeps) {
  return async function dispatchFeedback(input: { maxRunMs: number }): Promise<{ claimed: number; delivered: number; failed: number }> {
    const cancelled = Context.current().cancellationSignal;
    const { stop, wake } = stopCheck(stopping);
    const until = Date.now() + input.maxRunMs;
    const total = { claimed: 0, delivered: 0, failed: 0 };
    const lane = async () => {
      let idleMs = FIRST_IDLE_SLEEP_MS;
      while (!stop() && Date.now() < until) {
        const batch = await dispatcher.dispatchBatch();
        total.claimed += batch.claimed;
        total.delivered += batch.delivered;
        total.failed += batch.failed;
        if (batch.claimed > 0) {
          idleMs = FIRST_IDLE_SLEEP_MS;
          continue;
        }
        await sleep(Math.min(idleMs, Math.max(0, until - Date.now())), cancelled, wake);
        idleMs = Math.min(pollIdleMs, idleMs * 2);
      }
    };
    await whileBeating(() => Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, lane)));
    return total;
  };
}

/** Sleeps `ms`, or less when one of `signals` aborts. */
export function sleep(ms: number, ...signals: Array<AbortSignal | undefined>): Promise<void> {
  const watched = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return new Promise((resolve) => {
    if (watched.some((signal) => signal.aborted)) return resolve();
    const done = () => {
      clearTimeout(timer);
      for (const signal of watched) signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const signal of watched) signal.addEventListener('abort', done);
  });
}
