import { deliverSendoutFeedbackActivity } from './deliver-sendout-feedback.activity';
import { dispatchFeedbackActivity } from './dispatch-feedback.activity';
import { FeedbackActivityDeps } from './feedback-deps';

export type { FeedbackActivityDeps } from './feedback-deps';

/** The activities that deliver feedback webhooks: the sendout's fan-out step and the long-running dispatcher. */
export function createFeedbackActivities(deps: FeedbackActivityDeps) {
  return {
    deliverSendoutFeedback: deliverSendoutFeedbackActivity(deps),
    dispatchFeedback: dispatchFeedbackActivity(deps),
  };
}

export type FeedbackActivities = ReturnType<typeof createFeedbackActivities>;
