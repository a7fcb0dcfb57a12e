/** The feedback dispatcher workflow's fixed id and input: settings only. */
export const FEEDBACK_DISPATCHER_WORKFLOW_ID = 'feedback-dispatcher';

/**
 * One dispatcher per deployment, i.e. per task queue: `feedback-dispatcher/<taskQueue>`
 * (`feedback-dispatcher/sendgate` by default), so deployments sharing a Temporal namespace under
 * their own task queues each run theirs.
 */
export function feedbackDispatcherWorkflowId(taskQueue: string): string {
  return `${FEEDBACK_DISPATCHER_WORKFLOW_ID}/${taskQueue}`;
}

export interface FeedbackDispatcherInput {
  /** How long one dispatchFeedback run lasts. */
  maxRunMs: number;
  heartbeatTimeoutMs: number;
}
