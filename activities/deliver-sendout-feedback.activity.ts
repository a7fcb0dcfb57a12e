import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { BATCHES_IN_FLIGHT, sleep } from './dispatch-feedback.activity';
import { FeedbackActivityDeps } from './feedback-deps';
import { whileBeating } from './heartbeat';

const WAIT_FOR_OTHERS_MS = 250;

/**
 * The sendout's fan-out step: delivers the first attempt of every feedback event its own steps
 * queued (sent, error, exclude) and returns once none of its rows still waits for a first attempt.
 * Deliveries that failed are left to the dispatcher, which retries them with backoff ("handed
 * over"), and so are rows held back behind an earlier event of their message that is still
 * pending (the dispatcher delivers them in order). Rows another dispatcher holds on their first
 * attempt are waited for.
 */
export function deliverSendoutFeedbackActivity({ dispatcher, deliveries }: FeedbackActivityDeps) {
  return async function deliverSendoutFeedback(input: { sendoutId: string }): Promise<{ delivered: number; handedOver: number }> {
    const cancelled = Context.current().cancellationSignal;
    const total = { delivered: 0, handedOver: 0 };
    const lane = async () => {
      while (!cancelled.aborted) {
        const batch = await dispatcher.dispatchBatch({ sendoutId: input.sendoutId, firstAttemptOnly: true });
        total.delivered += batch.delivered;
        total.handedOver += batch.failed;
        if (batch.claimed > 0) continue;
        if ((await deliveries.countFirstAttemptsDue(input.sendoutId)) === 0) return;
        await sleep(WAIT_FOR_OTHERS_MS, cancelled);
      }
    };
    await whileBeating(() => Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, lane)));
    // the worker is shutting down or this attempt timed out: the next attempt goes on from the outbox
    if (cancelled.aborted) throw ApplicationFailure.retryable('the fan-out stopped before it finished', 'FanOutInterrupted');
    return total;
  };
}
