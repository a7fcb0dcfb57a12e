/**
 * The feedback dispatcher: one long-running workflow (fixed id `feedback-dispatcher/<taskQueue>`, started by
 * every worker at boot with "use existing") that delivers the feedback outbox for good. It runs
 * the `dispatchFeedback` activity again and again, each run polling the outbox for `maxRunMs`,
 * and continues as new when its history grows. The state lives in the outbox (leases, attempts,
 * next attempt times), so the workflow carries only its settings.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { FeedbackActivities } from '../activities';
import type { FeedbackDispatcherInput } from './feedback-dispatcher.messages';

const EVENTS_BEFORE_CONTINUE = 1_000;

export async function feedbackDispatcherWorkflow(input: FeedbackDispatcherInput): Promise<void> {
  const { dispatchFeedback } = proxyActivities<FeedbackActivities>({
    startToCloseTimeout: input.maxRunMs + 10 * 60_000,
    heartbeatTimeout: input.heartbeatTimeoutMs,
    // never gives up: a database outage only delays feedback
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  });
  for (;;) {
    await dispatchFeedback({ maxRunMs: input.maxRunMs });
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > EVENTS_BEFORE_CONTINUE) {
      await continueAsNew<typeof feedbackDispatcherWorkflow>(input);
    }
  }
}
