/**
 * The send phase of a sendout run: its pages, planned in batches and sent with a sliding window of
 * page activities in flight, and the activity options of every step of the run.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import type { IdRange } from '../libs/database/src/repositories/messages.repository';
import type { FeedbackActivities, SendoutActivities } from '../activities';
import { QUICK_ACCEPT, SETTLE_PAGES } from './sendout-patches';
import type { SendoutProgress, SendoutTuningInput, SendoutWorkflowInput } from './sendout.messages';

const PAGES_PER_PLAN = 50;
export const DEFAULT_EVENTS_BEFORE_CONTINUE = 5_000;

/** How many pages a run's first plan asks for: only the first window, so the first pages start sooner. */
export function firstPlanPages(tuning: SendoutTuningInput): number {
  return Math.min(tuning.sendWindow, PAGES_PER_PLAN);
}

/**
 * Sends every page after the resume point with at most `sendWindow` pages in flight, starting with
 * `firstPages` when the gate's close already planned them. Answers the last page it finished when
 * the history is long enough to continue as new, else undefined.
 */
export async function sendPages(
  input: SendoutWorkflowInput,
  acts: Activities,
  progress: SendoutProgress,
  firstPages?: IdRange[],
): Promise<number | undefined> {
  const { sendoutId, tuning } = input;
  const inFlight = new Set<Promise<void>>();
  let afterId = input.resume?.afterMessageId ?? 0;
  const plan = patched(QUICK_ACCEPT) ? acts.local.planSendPages : acts.short.planSendPages;
  let pagesStarted = 0;

  const sendOne = async (range: [number, number]) => {
    // The first window may start in the answer to the workflow task that scheduled it (eager
    // dispatch: the first messages go out sooner); later pages go through the task queue, or eager
    // dispatch would keep handing them to the worker that holds this workflow, and one sendout
    // would never use more than one worker.
    const pages = pagesStarted++ < tuning.sendWindow ? acts.pages : acts.spread;
    try {
      const result = await pages.sendMessagePage({ sendoutId, range, concurrency: tuning.sendConcurrency });
      progress.sent += result.sent;
      progress.failed += result.failed;
    } catch (error) {
      if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
      // Retries are exhausted: the page's remaining messages fail with the cause as reason.
      const reason = error.cause?.message ?? error.message;
      progress.failed += (await acts.short.failMessagePage({ sendoutId, range, reason })).failed;
    }
    progress.pagesDone += 1;
  };

  try {
    for (;;) {
      // The first plan reads only the first window's ids, so the first pages start sooner; the
      // marker of a replayed plan answers what it answered then, whatever it asked for.
      const maxPages = pagesStarted === 0 ? firstPlanPages(tuning) : PAGES_PER_PLAN;
      const pages =
        firstPages ?? (await plan({ sendoutId, afterId, pageSize: tuning.sendPageSize, maxPages, spreadOver: tuning.sendWindow }));
      firstPages = undefined;
      if (pages.length === 0) break;
      for (const range of pages) {
        const page = sendOne(range).finally(() => {
          inFlight.delete(page);
          progress.pagesInFlight = inFlight.size;
        });
        // A page's failure is seen where pages are awaited; one still in flight when the loop stops
        // (a cancel while planning) would otherwise be an unhandled rejection, failing every
        // workflow task of the run so that the cancel never completes.
        page.catch(() => undefined);
        inFlight.add(page);
        progress.pagesInFlight = inFlight.size;
        afterId = range[1];
        if (inFlight.size >= tuning.sendWindow) await Promise.race(inFlight);
      }
      if (historyIsLong(tuning.continueAsNewAfterEvents ?? DEFAULT_EVENTS_BEFORE_CONTINUE)) {
        await Promise.all(inFlight);
        return afterId;
      }
    }
    await Promise.all(inFlight);
    return undefined;
  } catch (error) {
    // The pages in flight stop posting (their cancel is awaited) before the sendout is marked cancelled.
    if (inFlight.size > 0 && patched(SETTLE_PAGES)) await Promise.allSettled(inFlight);
    throw error;
  }
}

export function historyIsLong(limit: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > limit;
}

export type Activities = ReturnType<typeof activitiesFor>;

/**
 * The activities of a run, with their options. `inline` (a small listed audience) runs its pages,
 * its completion and its feedback fan-out as local activities in the workflow task, not through
 * the task queue. Generation stays an activity (started eagerly, by the worker that scheduled it):
 * it ends the run's first workflow task, so a cancel or a pause sent right after the start reaches
 * the run before anything is sent. (A timer would do the same, but a short one fires about a
 * second late.)
 */
export function activitiesFor(tuning: SendoutTuningInput, inline = false) {
  const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' };
  // Short steps give up after about a quarter of an hour of failures (a database or ESP outage
  // longer than that fails the sendout with the reason instead of retrying forever).
  const bounded: RetryPolicy = { ...retry, maximumAttempts: 20 };
  const long: ActivityOptions = {
    startToCloseTimeout: '2h',
    // On cancel, wait until a page has stopped posting before the sendout is marked cancelled.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    heartbeatTimeout: tuning.heartbeatTimeoutMs,
    retry: { ...retry, maximumAttempts: 25 },
  };
  const local = proxyLocalActivities<SendoutActivities>({ startToCloseTimeout: '30s', retry: bounded });
  if (inline) {
    // No heartbeat: a worker lost mid-step shows as its workflow task timing out, and the next
    // worker runs the step again (a page resumes the messages it claimed, under the same keys).
    const pages = proxyLocalActivities<SendoutActivities>({
      startToCloseTimeout: '10m',
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry: long.retry,
    });
    const feedback = proxyLocalActivities<FeedbackActivities>({ startToCloseTimeout: '10m', retry: bounded });
    return { local, short: local, long: proxyActivities<SendoutActivities>(long), pages, spread: pages, feedback, follower: feedback };
  }
  return {
    local,
    short: proxyActivities<SendoutActivities>({ startToCloseTimeout: '1m', retry: bounded }),
    long: proxyActivities<SendoutActivities>(long),
    /** The first window's pages: they may start eagerly (see sendPages). */
    pages: proxyActivities<SendoutActivities>(long),
    spread: proxyActivities<SendoutActivities>({ ...long, allowEagerDispatch: false }),
    feedback: proxyActivities<FeedbackActivities>({
      startToCloseTimeout: '1h',
      heartbeatTimeout: tuning.heartbeatTimeoutMs,
      retry: bounded,
    }),
    // The follower lives as long as sending (hours under a rate limit); the heartbeat tells a live
    // one from a lost one. It retries while sending goes on (an attempt that ran out its time goes
    // on from the outbox), and a stop waits until it has acknowledged its cancel.
    follower: proxyActivities<FeedbackActivities>({
      startToCloseTimeout: '24h',
      heartbeatTimeout: tuning.heartbeatTimeoutMs,
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry,
    }),
  };
}
