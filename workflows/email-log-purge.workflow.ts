/**
 * The 48-hour retention of the email API: run by the `email-log-purge/<taskQueue>` Schedule (made by
 * every worker at boot), one activity that deletes finished bulks past retention in bounded batches.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { EmailLogActivities } from '../activities';
import type { EmailLogPurgeInput } from './email-log-purge.messages';

export async function emailLogPurgeWorkflow(input: EmailLogPurgeInput): Promise<{ bulks: number; messages: number }> {
  const { purgeEmailLogs } = proxyActivities<EmailLogActivities>({
    startToCloseTimeout: '30m',
    heartbeatTimeout: '2m',
    // the next scheduled run tries again anyway
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
  });
  const { bulks, messages } = await purgeEmailLogs(input);
  return { bulks, messages };
}
