import { heartbeat } from '@temporalio/activity';
import { EmailBulksRepository, EmailLogPurge, EmailSendsRepository } from '@sendgate/database';

export interface EmailLogActivityDeps {
  emailBulks: EmailBulksRepository;
  /** Removes the purged bulks' files when they are in SENDGATE_EMAIL_ATTACHMENTS_DIR. */
  emailSends: EmailSendsRepository;
}

/** A run deletes at most this many batches; the next scheduled run goes on where it stopped. */
const MAX_BATCHES_PER_RUN = 1_000;

/**
 * Deletes what the email API kept of bulks that finished more than `retentionHours` ago: their
 * recipients (the logs and reports), attachments (their rows, and their files when they are kept in
 * SENDGATE_EMAIL_ATTACHMENTS_DIR) and bulk rows. Bulks still scheduled or running stay.
 */
export function purgeEmailLogsActivity({ emailBulks, emailSends }: EmailLogActivityDeps) {
  return async function purgeEmailLogs(input: { retentionHours: number; batchSize?: number }): Promise<EmailLogPurge & { more: boolean }> {
    const cutoff = new Date(Date.now() - input.retentionHours * 3_600_000);
    return emailBulks.purgeFinishedBefore(cutoff, {
      batchSize: input.batchSize,
      maxBatches: MAX_BATCHES_PER_RUN,
      onBatch: () => heartbeat(),
      removeFiles: (sendoutIds) => emailSends.removeFiles(sendoutIds),
    });
  };
}
