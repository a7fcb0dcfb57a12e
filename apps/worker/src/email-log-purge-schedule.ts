import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { SendgateConfig } from '@sendgate/config';
import { EmailLogPurgeInput, emailLogPurgeScheduleId } from '@sendgate/workflows';

/**
 * Creates the Schedule that purges the email API's logs every `purgeEveryMinutes`, or brings an
 * existing one up to this worker's settings. Every worker asks at boot: one creates it, the others
 * find it there and update it to the same settings (harmless when several start at once).
 */
export async function ensureEmailLogPurgeSchedule(client: Client, config: SendgateConfig): Promise<void> {
  const scheduleId = emailLogPurgeScheduleId(config.temporal.taskQueue);
  const input: EmailLogPurgeInput = { retentionHours: config.email.logRetentionHours };
  const settings = {
    spec: { intervals: [{ every: config.email.logPurgeEveryMinutes * 60_000 }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'emailLogPurgeWorkflow',
      workflowId: `${scheduleId}/run`,
      taskQueue: config.temporal.taskQueue,
      args: [input],
      memo: { purpose: `deletes email API bulks finished more than ${config.email.logRetentionHours} h ago` },
      staticSummary: `Email log purge: bulks finished more than ${config.email.logRetentionHours} h ago, their messages and files`,
    },
    // one purge at a time; a purge missed while Temporal was down is made up once
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 3_600_000 },
  };
  try {
    await client.schedule.create({ scheduleId, ...settings });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule
      .getHandle(scheduleId)
      .update((previous) => ({ ...settings, state: { paused: previous.state.paused, note: previous.state.note } }));
  }
}
