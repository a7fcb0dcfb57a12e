/**
 * The email API's 48-hour retention: the worker makes the `email-log-purge/<taskQueue>` Schedule at
 * boot, and a run of it deletes what finished bulks past retention left, nothing else: their rows
 * and their files in SENDGATE_EMAIL_ATTACHMENTS_DIR. Bulks are made with POST /email/3/send.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendoutStage } from '../../libs/domain/src/states';
import { Sql } from '../../libs/database/src/sql';
import { emailLogPurgeScheduleId } from '../../workflows/email-log-purge.messages';
import { sendEmail, setEmailDefaults } from '../email-scenario';
import { TestStack } from '../harness';
import { expectStatus, sandboxIntegration, waitForStage } from '../scenario';
import { waitFor } from '../wait';

const HOUR = 3_600_000;

describe('the email log purge', () => {
  let stack: TestStack;
  let sql: Sql;
  let scheduleId: string;
  let filesDir: string;

  beforeAll(async () => {
    filesDir = await mkdtemp(join(tmpdir(), 'sendgate-email-files-'));
    stack = await TestStack.start({
      database: 'mysql',
      env: { SENDGATE_EMAIL_LOG_RETENTION_HOURS: '48', SENDGATE_EMAIL_ATTACHMENTS_DIR: filesDir },
    });
    await stack.startWorker();
    sql = new Sql(stack.dataSource);
    scheduleId = emailLogPurgeScheduleId(stack.config.temporal.taskQueue);
    const payloadTemplate = '{"to":"${email}","subject":"${subject}","attachments":"${attachments}"}';
    await setEmailDefaults(stack, { integrationId: await sandboxIntegration(stack, { payloadTemplate, callbacks: false }) });
  });

  afterAll(async () => {
    if (stack) {
      const { client, close } = await stack.temporalClient();
      await client.schedule
        .getHandle(scheduleId)
        .delete()
        .catch(() => undefined);
      await close();
      await stack.stop();
    }
    if (filesDir) await rm(filesDir, { recursive: true, force: true });
  });

  const email = (method: string, path: string, body?: unknown) =>
    stack.request(method, path, body, { authorization: `App ${stack.apiKey}` });

  /**
   * A request to two recipients with one file, its sendout brought to `stage` (sent, cancelled
   * while scheduled, or held scheduled), then made and finished `hoursAgo` hours ago.
   */
  async function bulk(stage: SendoutStage.COMPLETED | SendoutStage.CANCELED | SendoutStage.SCHEDULED, hoursAgo: number): Promise<string> {
    const tag = randomUUID().slice(0, 8);
    const sendAt: Record<string, string> = stage === SendoutStage.COMPLETED ? {} : { sendAt: new Date(Date.now() + HOUR).toISOString() };
    const { bulkId, sendoutId } = await sendEmail(stack, {
      to: [`a-${tag}@example.com`, `b-${tag}@example.com`],
      fields: { subject: 'Invoice', text: 'Attached', ...sendAt },
      attachments: [{ filename: 'invoice.pdf', type: 'application/pdf', bytes: randomBytes(1_000) }],
    });
    if (stage === SendoutStage.CANCELED) {
      await expectStatus(email('PUT', `/email/1/bulks/status?bulkId=${bulkId}`, { status: 'CANCELED' }), 200);
    }
    await waitForStage(stack, sendoutId, stage);
    expect(existsSync(join(filesDir, sendoutId, '0'))).toBe(true);
    const at = sql.dialect.timestamp(new Date(Date.now() - hoursAgo * HOUR));
    await sql.run('UPDATE email_messages SET created_at = ? WHERE sendout_id = ?', [at, sendoutId]);
    await sql.run('UPDATE email_bulks SET created_at = ? WHERE sendout_id = ?', [at, sendoutId]);
    await sql.run('UPDATE sendouts SET created_at = ?, updated_at = ?, completed_at = ? WHERE id = ?', [at, at, at, sendoutId]);
    return sendoutId;
  }

  /** The bulk's rows (bulk, recipients, attachment) and whether its file is still in the directory. */
  async function leftOf(sendoutId: string) {
    const count = async (table: string) =>
      Number((await sql.one<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE sendout_id = ?`, [sendoutId]))!.n);
    return {
      bulks: await count('email_bulks'),
      messages: await count('email_messages'),
      attachments: await count('email_attachments'),
      file: existsSync(join(filesDir, sendoutId, '0')),
    };
  }
  const nothing = { bulks: 0, messages: 0, attachments: 0, file: false };
  const everything = { bulks: 1, messages: 2, attachments: 1, file: true };

  it('exists once the worker has started, every hour', async () => {
    const { client, close } = await stack.temporalClient();
    try {
      // the worker makes it right after it starts polling
      await waitFor('the schedule', 30_000, () =>
        client.schedule
          .getHandle(scheduleId)
          .describe()
          .then(() => true),
      );
      const schedule = await client.schedule.getHandle(scheduleId).describe();
      expect(schedule.action).toMatchObject({ workflowType: 'emailLogPurgeWorkflow', taskQueue: stack.config.temporal.taskQueue });
      expect(schedule.spec.intervals).toEqual([expect.objectContaining({ every: HOUR })]);
    } finally {
      await close();
    }
  });

  it('deletes finished bulks past 48 hours when it runs, and keeps recent and unfinished ones', async () => {
    const oldCompleted = await bulk(SendoutStage.COMPLETED, 49);
    const oldCanceled = await bulk(SendoutStage.CANCELED, 72);
    const recentCompleted = await bulk(SendoutStage.COMPLETED, 47);
    const oldScheduled = await bulk(SendoutStage.SCHEDULED, 49);
    const { client, close } = await stack.temporalClient();
    try {
      await client.schedule.getHandle(scheduleId).trigger();
      await waitFor(
        'the triggered purge to delete the old finished bulks',
        60_000,
        async () => (await leftOf(oldCompleted)).bulks + (await leftOf(oldCanceled)).bulks === 0,
      );
      // the run that deleted them has finished with them
      await waitFor('the purge run to complete', 60_000, async () => {
        const runs = (await client.schedule.getHandle(scheduleId).describe()).info.recentActions;
        if (runs.length === 0) return false;
        const run = client.workflow.getHandle(
          runs[runs.length - 1].action.workflow.workflowId,
          runs[runs.length - 1].action.workflow.firstExecutionRunId,
        );
        return (await run.describe()).status.name === 'COMPLETED';
      });
    } finally {
      await close();
    }

    expect(await leftOf(oldCompleted)).toEqual(nothing);
    expect(await leftOf(oldCanceled)).toEqual(nothing);
    expect(await leftOf(recentCompleted)).toEqual(everything);
    expect(await leftOf(oldScheduled)).toEqual(everything);
    await expectStatus(email('PUT', `/email/1/bulks/status?bulkId=${await bulkIdOf(oldScheduled)}`, { status: 'CANCELED' }), 200);
  });

  const bulkIdOf = async (sendoutId: string) =>
    (await sql.one<{ bulk_id: string }>('SELECT bulk_id FROM email_bulks WHERE sendout_id = ?', [sendoutId]))!.bulk_id;

  it('is brought to the settings of a worker that starts later (one that finds it there)', async () => {
    await stack.startWorker({ SENDGATE_EMAIL_LOG_PURGE_EVERY_MINUTES: '30' });
    const { client, close } = await stack.temporalClient();
    try {
      await waitFor('the schedule to run every 30 minutes', 30_000, async () => {
        const schedule = await client.schedule.getHandle(scheduleId).describe();
        return schedule.spec.intervals?.[0]?.every === HOUR / 2;
      });
    } finally {
      await close();
    }
  });
});
