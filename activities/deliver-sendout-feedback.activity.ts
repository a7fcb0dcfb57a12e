import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { BATCHES_IN_FLIGHT, sleep } from './dispatch-feedback.activity';
import { FeedbackActivityDeps, stopCheck } from './feedback-deps';
import { whileBeating } from './heartbeat';

const WAIT_FOR_OTHERS_MS = 250;
/**
 * Batches a follower keeps in flight: one. It shares the CPU with the pages it follows (the worker,
 * the database and the ESP on the same machines), so it delivers at about the rate one lane
 * manages and leaves the rest to the fan-out after sending, which runs every lane.
 */
const FOLLOW_LANES = 1;
/** How long a follower that found nothing to deliver waits before it looks again: the pages record outcomes meanwhile. */
const FOLLOW_IDLE_MS = 250;

export interface DeliverSendoutFeedbackInput {
  sendoutId: string;
  /**
   * Follow the sendout while it sends: deliver first attempts as the pages queue them, wait when
   * none is there, and return only when the workflow cancels the activity (sending is over).
   */
  follow?: boolean;
}

/**
 * The sendout's fan-out step: delivers the first attempt of every feedback event its own steps
 * queued (sent, error, exclude) and returns once none of its rows still waits for a first attempt.
 * Deliveries that failed are left to the dispatcher, which retries them with backoff ("handed
 * over"), and so are rows held back behind an earlier event of their message that is still
 * pending (the dispatcher delivers them in order). Rows another dispatcher holds on their first
 * attempt are waited for.
 *
 * With `follow`, the same delivery runs beside the send pages (bounded to fewer lanes) and never
 * returns on its own: the workflow cancels it when the pages are done, and it answers what it
 * delivered. Both take rows by the outbox's lease, so a follower and the fan-out after it never
 * deliver one row twice.
 *
 * When the worker begins to shut down, both stop after their batches in flight and fail retryably:
 * the next attempt, on another worker, goes on from the outbox.
 */
export function deliverSendoutFeedbackActivity({ dispatcher, deliveries, stopping }: FeedbackActivityDeps) {
  return async function deliverSendoutFeedback(input: DeliverSendoutFeedbackInput): Promise<{ delivered: number; handedOver: number }> {
    const cancelled = Context.current().cancellationSignal;
    const { stop, wake } = stopCheck(stopping);
    const total = { delivered: 0, handedOver: 0 };
    let finished = false;
    const lane = async () => {
      while (!stop()) {
        const batch = await dispatcher.dispatchBatch({ sendoutId: input.sendoutId, firstAttemptOnly: true });
        total.delivered += batch.delivered;
        total.handedOver += batch.failed;
        if (batch.claimed > 0) continue;
        if (input.follow) await sleep(FOLLOW_IDLE_MS, cancelled, wake);
        else if ((await deliveries.countFirstAttemptsDue(input.sendoutId)) === 0) return void (finished = true);
        else await sleep(WAIT_FOR_OTHERS_MS, cancelled, wake);
      }
    };
    const lanes = input.follow ? FOLLOW_LANES : BATCHES_IN_FLIGHT;
    await whileBeating(() => Promise.all(Array.from({ length: lanes }, lane)));
    // the workflow stopped the follower: sending is over, the fan-out takes the rest
    if (input.follow && Context.current().cancellationDetails?.cancelRequested) return total;
    // the worker is shutting down or this attempt timed out: the next attempt goes on from the outbox
    // (unless a lane found nothing left to deliver: the fan-out is done, whatever came after)
    if (stop() && !finished) throw ApplicationFailure.retryable('the fan-out stopped before it finished', 'FanOutInterrupted');
    return total;
  };
}
