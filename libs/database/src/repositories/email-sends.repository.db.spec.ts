import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageState } from '@sendgate/domain';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { sendoutRow } from '../../../../test/sendout-row';
import { ContactsRepository } from './contacts.repository';
import { ATTACHMENT_CHUNK_BYTES, EmailFile, EmailSendsRepository } from './email-sends.repository';
import { MessagesRepository } from './messages.repository';

describeOnEachDatabase((db) => {
  let sut: EmailSendsRepository;
  let contacts: ContactsRepository;
  beforeAll(() => {
    sut = new EmailSendsRepository(db.sql);
    contacts = new ContactsRepository(db.sql);
  });

  /** One email API request's rows for these recipients of the account. */
  async function request(
    accountId: string,
    addresses: string[],
    options: { bulkId?: string; messageIds?: string[]; files?: EmailFile[]; into?: EmailSendsRepository } = {},
  ) {
    const ids = await contacts.ensure(
      accountId,
      addresses.map((a) => ({ externalId: a.toLowerCase(), email: a })),
    );
    const sendout = sendoutRow({
      accountId,
      integrationId: randomUUID(),
      kind: 'single',
      contactIds: addresses.map((a) => a.toLowerCase()),
    });
    const outcome = await (options.into ?? sut).store({
      sendout,
      feedbackWebhookIds: [],
      bulk: {
        sendoutId: sendout.id!,
        accountId,
        bulkId: options.bulkId ?? randomUUID(),
        fromAddress: 'jane@example.com',
        envelope: { from: 'Jane <jane@example.com>', defaultPlaceholders: { company: 'ACME' } },
        callbackData: 'cb',
        notifyUrl: null,
        notifyContentType: null,
      },
      recipients: addresses.map((to, i) => ({
        contactId: ids.get(to.toLowerCase())!,
        messageId: options.messageIds?.[i] ?? randomUUID(),
        to,
        placeholders: { name: `N${i}` },
      })),
      files: options.files ?? [],
    });
    return { sendoutId: sendout.id!, outcome };
  }

  describe('when contacts are ensured for addresses, some known', () => {
    it('answers every id, creating only the missing ones and leaving known ones as they were', async () => {
      const accountId = await db.accountWithContacts(1, () => ({}), 'known');
      const first = await contacts.ensure(accountId, [{ externalId: 'known-1', email: 'changed@example.com' }]);
      const both = await contacts.ensure(accountId, [
        { externalId: 'known-1', email: 'changed@example.com' },
        { externalId: 'new@example.com', email: 'New@example.com' },
      ]);
      expect(both.get('known-1')).toBe(first.get('known-1'));
      expect(both.size).toBe(2);
      expect((await contacts.findByExternalId(accountId, 'known-1'))?.email).toBe('known-1@example.com');
      // stored normalised: the request's own spelling stays with the recipient (to_address)
      expect((await contacts.findByExternalId(accountId, 'new@example.com'))?.email).toBe('new@example.com');
    });
  });

  describe('when a request with files larger than a chunk is stored', () => {
    it('reads the files back whole, in order', async () => {
      const accountId = await db.account();
      const big = randomBytes(ATTACHMENT_CHUNK_BYTES + 1_000);
      const files: EmailFile[] = [
        { disposition: 'attachment', filename: 'big.bin', contentType: 'application/octet-stream', content: big },
        { disposition: 'inline', filename: 'logo.png', contentType: 'image/png', content: randomBytes(10) },
        { disposition: 'attachment', filename: 'empty.txt', contentType: 'text/plain', content: Buffer.alloc(0) },
      ];
      const { sendoutId, outcome } = await request(accountId, ['a@example.com'], { files });
      expect(outcome).toBe('STORED');
      const read = await sut.files(sendoutId);
      expect(read.map((f) => [f.disposition, f.filename, f.contentType, f.content.length])).toEqual(
        files.map((f) => [f.disposition, f.filename, f.contentType, f.content.length]),
      );
      expect(read[0].content.equals(big)).toBe(true);
      expect(read[1].content.equals(files[1].content)).toBe(true);
      expect((await sut.findBulk(sendoutId))?.envelope).toEqual({
        from: 'Jane <jane@example.com>',
        defaultPlaceholders: { company: 'ACME' },
      });
    });
  });

  describe('when files go to SENDGATE_EMAIL_ATTACHMENTS_DIR', () => {
    let dir: string;
    let inDir: EmailSendsRepository;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sendgate-files-'));
      inDir = new EmailSendsRepository(db.sql, dir);
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('names them by sendout and position, keeps only their metadata in the database, and reads them back', async () => {
      const accountId = await db.account();
      const files: EmailFile[] = [
        { disposition: 'attachment', filename: '../../etc/passwd', contentType: 'text/plain', content: randomBytes(100) },
        { disposition: 'inline', filename: 'logo.png', contentType: 'image/png', content: randomBytes(50) },
      ];
      const { sendoutId, outcome } = await request(accountId, ['a@example.com'], { files, into: inDir });
      expect(outcome).toBe('STORED');
      expect((await readdir(join(dir, sendoutId))).sort()).toEqual(['0', '1']);
      expect((await readFile(join(dir, sendoutId, '0'))).equals(files[0].content)).toBe(true);
      const stored = await db.sql.all<{ size: number | string; content: Buffer }>(
        'SELECT size, content FROM email_attachments WHERE sendout_id = ? ORDER BY position',
        [sendoutId],
      );
      expect(stored.map((r) => [Number(r.size), Buffer.from(r.content).length])).toEqual([
        [100, 0],
        [50, 0],
      ]);
      const read = await inDir.files(sendoutId);
      expect(read.map((f) => f.filename)).toEqual(['../../etc/passwd', 'logo.png']);
      expect(read.every((f, i) => f.content.equals(files[i].content))).toBe(true);
      await expect(sut.files(sendoutId)).rejects.toThrow(/SENDGATE_EMAIL_ATTACHMENTS_DIR/);

      await inDir.removeFiles([sendoutId]);
      expect(existsSync(join(dir, sendoutId))).toBe(false);
    });

    it('removes the files of a request refused for a taken bulkId', async () => {
      const accountId = await db.account();
      const file: EmailFile = { disposition: 'attachment', filename: 'a.txt', contentType: 'text/plain', content: randomBytes(10) };
      await request(accountId, ['a@example.com'], { bulkId: 'taken', files: [file], into: inDir });
      const again = await request(accountId, ['b@example.com'], { bulkId: 'taken', files: [file], into: inDir });
      expect(again.outcome).toBe('BULK_ID_TAKEN');
      expect(existsSync(join(dir, again.sendoutId))).toBe(false);
    });
  });

  describe('when a bulkId or messageId the account already used comes again', () => {
    it('names which one, and stores nothing of that request', async () => {
      const accountId = await db.account();
      await request(accountId, ['a@example.com'], { bulkId: 'bulk-1', messageIds: ['m-1'] });
      const again = await request(accountId, ['b@example.com'], { bulkId: 'bulk-1' });
      expect(again.outcome).toBe('BULK_ID_TAKEN');
      const message = await request(accountId, ['c@example.com'], { messageIds: ['m-1'] });
      expect(message.outcome).toBe('MESSAGE_ID_TAKEN');
      for (const { sendoutId } of [again, message]) {
        expect(await db.sql.all('SELECT id FROM sendouts WHERE id = ?', [sendoutId])).toEqual([]);
        expect(await sut.findBulk(sendoutId)).toBeUndefined();
      }
      // Another account may use the same ids.
      expect((await request(await db.account(), ['a@example.com'], { bulkId: 'bulk-1', messageIds: ['m-1'] })).outcome).toBe('STORED');
    });
  });

  describe("when the send step loads an email API sendout's claimed messages", () => {
    it("answers each recipient's own address, messageId and placeholders", async () => {
      const accountId = await db.account();
      const { sendoutId } = await request(accountId, ['Ann@Example.com', 'bob@example.com'], { messageIds: ['m-ann', 'm-bob'] });
      const messages = new MessagesRepository(db.sql);
      await messages.generateForExternalIds({
        sendoutId,
        accountId,
        externalIds: ['ann@example.com', 'bob@example.com'],
        state: MessageState.ACCEPTED,
      });
      const ids = (await db.sql.all<{ id: number | string }>('SELECT id FROM messages WHERE sendout_id = ? ORDER BY id', [sendoutId])).map(
        (r) => Number(r.id),
      );
      await messages.claimRange(sendoutId, [ids[0], ids[1]]);
      const loaded = await messages.loadClaimed(sendoutId, [ids[0], ids[1]]);
      expect(loaded.map((m) => [m.email, m.emailMessageId, m.placeholders])).toEqual([
        ['Ann@Example.com', 'm-ann', { name: 'N0' }],
        ['bob@example.com', 'm-bob', { name: 'N1' }],
      ]);
    });
  });
});
