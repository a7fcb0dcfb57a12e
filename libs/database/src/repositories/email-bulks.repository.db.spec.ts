import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendoutStage } from '@sendgate/domain';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { sendoutRow } from '../../../../test/sendout-row';
import { SendoutEntity } from '../entities';
import { ContactsRepository } from './contacts.repository';
import { EmailBulksRepository } from './email-bulks.repository';
import { EmailSendsRepository } from './email-sends.repository';

const HOUR = 3_600_000;

describeOnEachDatabase((db) => {
  let sut: EmailBulksRepository;
  beforeAll(() => {
    sut = new EmailBulksRepository(db.sql);
  });

  /** A bulk of `recipients` messages with one attachment of two chunks, its sendout in `stage`. */
  async function bulk(accountId: string, stage: SendoutStage, recipients = 2, sendAt: Date | null = null) {
    const sendoutId = randomUUID();
    const bulkId = `bulk-${randomUUID()}`;
    await db.dataSource
      .getRepository(SendoutEntity)
      .insert(sendoutRow({ id: sendoutId, accountId, integrationId: randomUUID(), kind: 'single', stage, sendAt }));
    await sut.insert({ sendoutId, accountId, bulkId, fromAddress: 'a@example.com', envelope: { from: 'a@example.com' } });
    for (let i = 0; i < recipients; i++) {
      await db.sql.run(
        'INSERT INTO email_messages (account_id, sendout_id, contact_id, message_id, to_address, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [accountId, sendoutId, i + 1, `${bulkId}-${i}`, `r${i}@example.com`, db.sql.dialect.timestamp(new Date())],
      );
    }
    for (const chunk of [0, 1]) {
      await db.sql.run(
        `INSERT INTO email_attachments (sendout_id, position, chunk, disposition, filename, content_type, size, content)
         VALUES (?, 0, ?, 'attachment', 'a.pdf', 'application/pdf', 4, ?)`,
        [sendoutId, chunk, Buffer.from([chunk, 1])],
      );
    }
    return { sendoutId, bulkId };
  }

  /** Moves the bulk and its sendout's finish `hoursAgo` into the past. */
  async function age(sendoutId: string, hoursAgo: number) {
    const at = db.sql.dialect.timestamp(new Date(Date.now() - hoursAgo * HOUR));
    await db.sql.run('UPDATE email_bulks SET created_at = ? WHERE sendout_id = ?', [at, sendoutId]);
    await db.sql.run('UPDATE sendouts SET created_at = ?, updated_at = ?, completed_at = ? WHERE id = ?', [at, at, at, sendoutId]);
  }

  async function rowsOf(sendoutId: string) {
    const count = async (table: string) =>
      Number((await db.sql.one<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE sendout_id = ?`, [sendoutId]))!.n);
    return { bulks: await count('email_bulks'), messages: await count('email_messages'), attachments: await count('email_attachments') };
  }

  describe('when a bulk is looked up by its bulkId', () => {
    it("answers it with its sendout's stage and schedule, and nothing for another account", async () => {
      const accountId = await db.account();
      const otherAccountId = await db.account();
      const sendAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 2 * HOUR);
      const { sendoutId, bulkId } = await bulk(accountId, SendoutStage.SCHEDULED, 1, sendAt);

      const found = await sut.find(accountId, bulkId);

      expect(found).toMatchObject({ sendoutId, bulkId, workflowId: `sendout-${sendoutId}`, stage: SendoutStage.SCHEDULED, paused: false });
      expect(found!.sendAt!.getTime()).toBe(sendAt.getTime());
      expect(found!.createdAt).toBeInstanceOf(Date);
      expect(await sut.find(otherAccountId, bulkId)).toBeUndefined();
      expect(await sut.find(accountId, 'no-such-bulk')).toBeUndefined();
    });
  });

  describe('when the workflow stores a schedule', () => {
    it('sets the sendout’s sendAt and the bulk’s pause together', async () => {
      const accountId = await db.account();
      const { sendoutId, bulkId } = await bulk(accountId, SendoutStage.SCHEDULED, 1);
      const sendAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 5 * HOUR);

      await sut.saveSchedule(sendoutId, { sendAt, paused: true });
      const paused = await sut.find(accountId, bulkId);
      await sut.saveSchedule(sendoutId, { sendAt: null, paused: false });
      const resumed = await sut.find(accountId, bulkId);

      expect(paused).toMatchObject({ paused: true });
      expect(paused!.sendAt!.getTime()).toBe(sendAt.getTime());
      expect(resumed).toMatchObject({ paused: false, sendAt: null });
    });
  });

  describe('when the email logs are purged', () => {
    it('deletes the rows of bulks finished before the cutoff, and keeps recent and unfinished ones', async () => {
      const accountId = await db.account();
      const oldFinished = await Promise.all(
        [SendoutStage.COMPLETED, SendoutStage.CANCELED, SendoutStage.FAILED].map((stage) => bulk(accountId, stage)),
      );
      const recentFinished = await bulk(accountId, SendoutStage.COMPLETED);
      const oldScheduled = await bulk(accountId, SendoutStage.SCHEDULED);
      const oldSending = await bulk(accountId, SendoutStage.SENDING);
      for (const { sendoutId } of [...oldFinished, oldScheduled, oldSending]) await age(sendoutId, 49);
      await age(recentFinished.sendoutId, 47);

      // batches of one: the purge goes on batch after batch until none is left
      const purged = await sut.purgeFinishedBefore(new Date(Date.now() - 48 * HOUR), { batchSize: 1 });

      expect(purged.more).toBe(false);
      expect(purged.bulks).toBeGreaterThanOrEqual(3);
      for (const { sendoutId } of oldFinished) expect(await rowsOf(sendoutId)).toEqual({ bulks: 0, messages: 0, attachments: 0 });
      for (const { sendoutId } of [recentFinished, oldScheduled, oldSending])
        expect(await rowsOf(sendoutId)).toEqual({ bulks: 1, messages: 2, attachments: 2 });
    });

    describe('with the files in SENDGATE_EMAIL_ATTACHMENTS_DIR', () => {
      let dir: string;
      let sends: EmailSendsRepository;
      beforeAll(async () => {
        dir = await mkdtemp(join(tmpdir(), 'sendgate-purge-'));
        sends = new EmailSendsRepository(db.sql, dir);
      });
      afterAll(() => rm(dir, { recursive: true, force: true }));

      /** A request stored as POST /email/3/send stores it: two files in the directory, metadata rows in the database. */
      async function requestWithFiles(accountId: string) {
        const to = `${randomUUID()}@example.com`;
        const ids = await new ContactsRepository(db.sql).ensure(accountId, [{ externalId: to, email: to }]);
        const sendout = sendoutRow({
          accountId,
          integrationId: randomUUID(),
          kind: 'single',
          contactIds: [to],
          stage: SendoutStage.COMPLETED,
        });
        const file = (filename: string) => ({
          disposition: 'attachment' as const,
          filename,
          contentType: 'text/plain',
          content: randomBytes(10),
        });
        expect(
          await sends.store({
            sendout,
            feedbackWebhookIds: [],
            bulk: {
              sendoutId: sendout.id!,
              accountId,
              bulkId: randomUUID(),
              fromAddress: 'a@example.com',
              envelope: { from: 'a@example.com' },
              callbackData: null,
              notifyUrl: null,
              notifyContentType: null,
            },
            recipients: [{ contactId: ids.get(to)!, messageId: randomUUID(), to }],
            files: [file('a.txt'), file('b.txt')],
          }),
        ).toBe('STORED');
        expect(existsSync(join(dir, sendout.id!, '1'))).toBe(true);
        return sendout.id!;
      }

      it("removes the files and attachment rows of the purged bulks, and leaves a recent bulk's", async () => {
        const accountId = await db.account();
        const old = await requestWithFiles(accountId);
        const recent = await requestWithFiles(accountId);
        const withoutFiles = await bulk(accountId, SendoutStage.COMPLETED); // its attachment is in the database
        await age(old, 49);
        await age(withoutFiles.sendoutId, 49);
        await age(recent, 47);
        const removed: string[][] = [];

        const purged = await sut.purgeFinishedBefore(new Date(Date.now() - 48 * HOUR), {
          removeFiles: async (sendoutIds) => {
            removed.push(sendoutIds);
            await sends.removeFiles(sendoutIds);
          },
        });

        expect(purged.more).toBe(false);
        expect(existsSync(join(dir, old))).toBe(false);
        expect(await rowsOf(old)).toEqual({ bulks: 0, messages: 0, attachments: 0 });
        expect(await rowsOf(withoutFiles.sendoutId)).toEqual({ bulks: 0, messages: 0, attachments: 0 });
        expect(existsSync(join(dir, recent, '0'))).toBe(true);
        expect(await rowsOf(recent)).toEqual({ bulks: 1, messages: 1, attachments: 2 });
        // only bulks with files in the directory are handed over
        expect(removed.flat()).toContain(old);
        expect(removed.flat()).not.toContain(withoutFiles.sendoutId);
        expect(removed.flat()).not.toContain(recent);
      });
    });

    it('stops after maxBatches and says more is left', async () => {
      const accountId = await db.account();
      const bulks = [await bulk(accountId, SendoutStage.COMPLETED), await bulk(accountId, SendoutStage.COMPLETED)];
      // older than anything a parallel test leaves behind, so these two are the first batches
      for (const { sendoutId } of bulks) await age(sendoutId, 24 * 365 * 20);

      const purged = await sut.purgeFinishedBefore(new Date(Date.now() - 48 * HOUR), { batchSize: 1, maxBatches: 1 });

      expect(purged).toMatchObject({ bulks: 1, messages: 2, attachments: 2, more: true });
      expect([await rowsOf(bulks[0].sendoutId), await rowsOf(bulks[1].sendoutId)].map((r) => r.bulks).sort()).toEqual([0, 1]);
    });
  });
});
