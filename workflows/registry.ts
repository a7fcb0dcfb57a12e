/** The workflow functions a worker registers (the bundler's entry point): functions only. */
export { sendoutWorkflow } from './sendout.workflow';
export { feedbackDispatcherWorkflow } from './feedback-dispatcher.workflow';
export { emailLogPurgeWorkflow } from './email-log-purge.workflow';
export { journeyRunWorkflow } from './journey-run.workflow';
export { campaignExecutionWorkflow } from './campaign-execution.workflow';
