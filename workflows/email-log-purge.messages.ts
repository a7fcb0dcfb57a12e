/** The email log purge: the Schedule that runs it and the workflow's input (settings only). */
export const EMAIL_LOG_PURGE_SCHEDULE_ID = 'email-log-purge';

/**
 * One Schedule per deployment, i.e. per task queue: `email-log-purge/<taskQueue>`
 * (`email-log-purge/sendgate` by default), as the feedback dispatcher's workflow id.
 */
export function emailLogPurgeScheduleId(taskQueue: string): string {
  return `${EMAIL_LOG_PURGE_SCHEDULE_ID}/${taskQueue}`;
}

export interface EmailLogPurgeInput {
  /** What finished longer ago than this goes. */
  retentionHours: number;
  /** Bulks deleted per statement batch (absent: the repository's default). */
  batchSize?: number;
}
