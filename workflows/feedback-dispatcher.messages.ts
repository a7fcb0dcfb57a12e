/** The feedback dispatcher workflow's fixed id and input: settings only. */
export const FEEDBACK_DISPATCHER_WORKFLOW_ID = 'feedback-dispatcher';

export interface FeedbackDispatcherInput {
  /** How long one dispatchFeedback run lasts. */
  maxRunMs: number;
  heartbeatTimeoutMs: number;
}
