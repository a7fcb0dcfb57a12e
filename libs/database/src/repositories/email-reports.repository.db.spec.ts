import { randomUUID } from 'node:crypto';
import { InfobipReport, MessageState, SendoutStage } from '@sendgate/domain';
import { describeOnEachDatabase, TestDatabase } from '../../../../test/test-databases';
import { sendoutRow } from '../../../../test/sendout-row';
import { seedEmailBulk } from '../../../../test/email-rows';
import { EmailReportsRepository } from './email-reports.repository';
import { GateRepository } from './gate.repository';
import { MessagesRepository } from './messages.repository';
import { SendoutsRepository } from './sendouts.repository';

const HOUR = 3_600_000;

/**
 * An email API request to contacts c-1 … c-count of a new account (or of `accountId`, which has at
 * least that many), their messages generated in `state`.
 */
async function request(db: TestDatabase, count: number, state: MessageState, options: { createdAt?: Date; accountId?: string } = {}) {
  const accountId = options.accountId ?? (await db.accountWithContacts(count));
  const sendoutId = randomUUID();
  await new SendoutsRepository(db.sql).insert(
    sendoutRow({ id: sendoutId, accountId, integrationId: randomUUID(), kind: 'single', content: { subject: 'Hi', text: 'Hello there' } }),
  );
  const externalIds = Array.from({ length: count }, (_, i) => `c-${i + 1}`);
  await new MessagesRepository(db.sql).generateForExternalIds({ sendoutId, accountId, externalIds, state });
  const { bulkId, messageIds } = await seedEmailBulk(db.sql, {
    accountId,
    sendoutId,
    recipients: externalIds.map((externalId) => ({ externalId, to: `${externalId}@example.com` })),
    callbackData: 'order-42',
    createdAt: options.createdAt,
  });
  /** Moves the messages of the given recipients (1-based) to `to`, sent at `sentAt` when given. */
  const move = async (recipients: number[], to: MessageState, sentAt?: Date) => {
    const ids = recipients.map((i) => `c-${i}`);
    await db.sql.run(
      `UPDATE messages SET state = ?, sent_at = COALESCE(?, sent_at), updated_at = ?
       WHERE sendout_id = ? AND contact_id IN (
         SELECT id FROM contacts WHERE account_id = ? AND external_id IN (${db.sql.dialect.placeholders(ids.length)}))`,
      [to, sentAt ? db.sql.dialect.timestamp(sentAt) : null, db.sql.dialect.timestamp(new Date()), sendoutId, accountId, ...ids],
    );
  };
  return { accountId, sendoutId, bulkId, messageIds, move };
}

/** An email API request to contacts c-1 … c-count of the account whose sendout is in `stage` and generated no message. */
async function ungeneratedRequest(db: TestDatabase, accountId: string, count: number, stage: SendoutStage) {
  const sendoutId = randomUUID();
  await new SendoutsRepository(db.sql).insert(sendoutRow({ id: sendoutId, accountId, integrationId: randomUUID(), kind: 'single', stage }));
  return seedEmailBulk(db.sql, {
    accountId,
    sendoutId,
    recipients: Array.from({ length: count }, (_, i) => ({ externalId: `c-${i + 1}`, to: `c-${i + 1}@example.com` })),
  });
}

const idsOf = (reports: InfobipReport[]) => reports.map((r) => r.messageId);

describeOnEachDatabase((db) => {
  let sut: EmailReportsRepository;
  beforeAll(() => {
    sut = new EmailReportsRepository(db.sql);
  });

  describe('when reports are taken', () => {
    it('answers each final report once, then nothing, and a report that becomes final later on the next read', async () => {
      const { accountId, bulkId, messageIds, move } = await request(db, 3, MessageState.SENT);
      await move([1, 2], MessageState.DELIVERED);

      const first = await sut.takeReports(accountId);
      expect(idsOf(first).sort()).toEqual([messageIds[0], messageIds[1]].sort());
      expect(first[0]).toMatchObject({
        bulkId,
        to: expect.stringMatching(/^c-[12]@example.com$/),
        callbackData: 'order-42',
        messageCount: 1,
        status: { groupName: 'DELIVERED', name: 'DELIVERED_TO_HANDSET' },
        error: { name: 'NO_ERROR' },
        doneAt: expect.stringMatching(/\+0000$/),
      });
      expect(await sut.takeReports(accountId)).toEqual([]);

      await move([3], MessageState.BOUNCED);
      const later = await sut.takeReports(accountId);
      expect(later).toHaveLength(1);
      expect(later[0]).toMatchObject({
        messageId: messageIds[2],
        status: { groupName: 'UNDELIVERABLE' },
        error: { name: 'EC_HARD_BOUNCE' },
      });
    });

    it('filters by bulkId and by messageId, within the limit', async () => {
      const { accountId, bulkId, messageIds } = await request(db, 4, MessageState.DELIVERED);
      const other = await request(db, 2, MessageState.DELIVERED, { accountId });

      expect(idsOf(await sut.takeReports(accountId, { messageId: messageIds[2] }))).toEqual([messageIds[2]]);
      expect(idsOf(await sut.takeReports(accountId, { bulkId, limit: 2 }))).toHaveLength(2);
      expect(idsOf(await sut.takeReports(accountId, { bulkId }))).toHaveLength(1);
      expect(await sut.takeReports(accountId, { bulkId })).toEqual([]);
      expect(await sut.takeReports(accountId, { bulkId: 'no-such-bulk' })).toEqual([]);
      expect(idsOf(await sut.takeReports(accountId)).sort()).toEqual([...other.messageIds].sort());
    });

    it('shows one account nothing of another', async () => {
      await request(db, 2, MessageState.DELIVERED);
      const stranger = await db.account();
      expect(await sut.takeReports(stranger)).toEqual([]);
    });

    it('gives two concurrent readers disjoint reports that together are all of them', async () => {
      const { accountId, messageIds } = await request(db, 200, MessageState.DELIVERED);
      const reader = async () => {
        const taken: string[] = [];
        for (;;) {
          const batch = await sut.takeReports(accountId, { limit: 25 });
          if (batch.length === 0) return taken;
          taken.push(...idsOf(batch));
        }
      };

      const [a, b] = await Promise.all([reader(), reader()]);

      expect(a.filter((id) => b.includes(id))).toEqual([]);
      expect([...a, ...b].sort()).toEqual([...messageIds].sort());
    });
  });

  describe('when messages are stopped before they are sent', () => {
    it('reports a gate rejection, a gate timeout and a cancel as final, with doneAt, and the logs group them', async () => {
      const accountId = await db.accountWithContacts(2);
      const gated = await request(db, 2, MessageState.GATED, { accountId });
      const accepted = await request(db, 1, MessageState.ACCEPTED, { accountId });
      const messages = new MessagesRepository(db.sql);
      const [first] = await db.sql.all<{ id: number | string }>('SELECT id FROM messages WHERE sendout_id = ? ORDER BY id', [
        gated.sendoutId,
      ]);
      // what the gate's reject route, the gate's deadline and a cancel do
      expect((await new GateRepository(db.sql).reject(gated.sendoutId, Number(first.id), 'not this one')).changed).toBe(true);
      await messages.transition(gated.sendoutId, [MessageState.GATED], MessageState.TIMED_OUT, 'no answer from the send gate');
      await messages.transition(accepted.sendoutId, [MessageState.ACCEPTED], MessageState.CANCELED, 'the sendout was cancelled');

      const reports = await sut.takeReports(accountId);

      const byId = new Map(reports.map((r) => [r.messageId, r]));
      expect(reports).toHaveLength(3);
      expect(byId.get(gated.messageIds[0])).toMatchObject({
        status: { groupName: 'REJECTED' },
        error: { name: 'EC_REJECTED_AT_GATE', description: 'not this one' },
      });
      expect(byId.get(gated.messageIds[1])).toMatchObject({ status: { groupName: 'EXPIRED' }, error: { name: 'EC_GATE_TIMED_OUT' } });
      expect(byId.get(accepted.messageIds[0])).toMatchObject({ status: { groupName: 'REJECTED' }, error: { name: 'EC_CANCELED' } });
      for (const report of reports) expect(report.doneAt).toMatch(/\+0000$/);
      expect(idsOf(await sut.logs(accountId, { generalStatus: 'EXPIRED' }, 48))).toEqual([gated.messageIds[1]]);
      expect(idsOf(await sut.logs(accountId, { generalStatus: 'REJECTED' }, 48)).sort()).toEqual(
        [gated.messageIds[0], accepted.messageIds[0]].sort(),
      );
    });

    it('reports the recipients of a bulk cancelled or failed before generating its messages, not those of one to come', async () => {
      const accountId = await db.accountWithContacts(2);
      const canceled = await ungeneratedRequest(db, accountId, 2, SendoutStage.CANCELED);
      const failed = await ungeneratedRequest(db, accountId, 1, SendoutStage.FAILED);
      const scheduled = await ungeneratedRequest(db, accountId, 1, SendoutStage.SCHEDULED);

      const reports = await sut.takeReports(accountId);

      expect(idsOf(reports).sort()).toEqual([...canceled.messageIds, ...failed.messageIds].sort());
      for (const report of reports) expect(report.doneAt).toMatch(/\+0000$/);
      expect(reports.find((r) => r.messageId === canceled.messageIds[0])).toMatchObject({
        bulkId: canceled.bulkId,
        status: { groupName: 'REJECTED' },
        error: { name: 'EC_CANCELED' },
      });
      expect(reports.find((r) => r.messageId === failed.messageIds[0])).toMatchObject({ status: { groupName: 'UNDELIVERABLE' } });
      expect(idsOf(await sut.logs(accountId, { generalStatus: 'REJECTED' }, 48)).sort()).toEqual([...canceled.messageIds].sort());
      expect(idsOf(await sut.logs(accountId, { generalStatus: 'UNDELIVERABLE' }, 48))).toEqual(failed.messageIds);
      expect(idsOf(await sut.logs(accountId, { generalStatus: 'PENDING' }, 48))).toEqual(scheduled.messageIds);
      const [pending] = await sut.logs(accountId, { messageIds: scheduled.messageIds }, 48);
      expect(pending).toMatchObject({ status: { name: 'PENDING_ACCEPTED' } });
      expect(pending).not.toHaveProperty('doneAt');
    });
  });

  describe('when logs are read', () => {
    it('answers every recipient whatever its state, newest first, with from and text, the same on a second read', async () => {
      const older = await request(db, 1, MessageState.DELIVERED, {
        createdAt: new Date(Date.now() - HOUR),
        accountId: await db.accountWithContacts(2),
      });
      const newer = await request(db, 2, MessageState.SENT, { accountId: older.accountId });

      const logs = await sut.logs(older.accountId, {}, 48);

      expect(idsOf(logs)).toEqual([...newer.messageIds.slice().reverse(), older.messageIds[0]]);
      expect(logs[2]).toMatchObject({ from: 'sender@example.com', text: 'Hello there', status: { groupName: 'DELIVERED' } });
      expect(logs[0]).toMatchObject({ status: { name: 'PENDING_ENROUTE' } });
      expect(logs[0]).not.toHaveProperty('callbackData');
      expect(await sut.logs(older.accountId, {}, 48)).toEqual(logs);
      // logs do not take reports
      expect(idsOf(await sut.takeReports(older.accountId))).toEqual(older.messageIds);
    });

    it('filters by two messageIds, by bulkId, by to and by generalStatus', async () => {
      const { accountId, bulkId, messageIds, move } = await request(db, 4, MessageState.SENT);
      await move([1], MessageState.DELIVERED);
      await move([2], MessageState.BOUNCED);
      const other = await request(db, 1, MessageState.DELIVERED, { accountId });

      expect(idsOf(await sut.logs(accountId, { messageIds: [messageIds[0], messageIds[3]] }, 48)).sort()).toEqual(
        [messageIds[0], messageIds[3]].sort(),
      );
      expect(idsOf(await sut.logs(accountId, { bulkId }, 48))).toHaveLength(4);
      expect(idsOf(await sut.logs(accountId, { to: 'C-2@example.com' }, 48))).toEqual([messageIds[1]]);
      expect(idsOf(await sut.logs(accountId, { generalStatus: 'DELIVERED' }, 48)).sort()).toEqual(
        [messageIds[0], other.messageIds[0]].sort(),
      );
      expect(idsOf(await sut.logs(accountId, { generalStatus: 'UNDELIVERABLE' }, 48))).toEqual([messageIds[1]]);
      expect(idsOf(await sut.logs(accountId, { generalStatus: 'PENDING', bulkId }, 48)).sort()).toEqual(
        [messageIds[2], messageIds[3]].sort(),
      );
      expect(idsOf(await sut.logs(accountId, { from: 'Sender@example.com', bulkId }, 48))).toHaveLength(4);
      expect(await sut.logs(accountId, { from: 'someone-else@example.com' }, 48)).toEqual([]);
    });

    it('filters by sentSince and sentUntil (an unsent message counts as sent when accepted)', async () => {
      const now = Date.now();
      const { accountId, messageIds, move } = await request(db, 3, MessageState.SENT, { createdAt: new Date(now - 3 * HOUR) });
      await move([1], MessageState.DELIVERED, new Date(now - 2 * HOUR));
      await move([2], MessageState.DELIVERED, new Date(now - 10 * 60_000));
      await move([3], MessageState.GENERATED);

      expect(idsOf(await sut.logs(accountId, { sentSince: new Date(now - HOUR) }, 48))).toEqual([messageIds[1]]);
      expect(idsOf(await sut.logs(accountId, { sentUntil: new Date(now - HOUR) }, 48)).sort()).toEqual(
        [messageIds[0], messageIds[2]].sort(),
      );
    });

    it('answers nothing older than the retention, and nothing of another account', async () => {
      const { accountId, messageIds } = await request(db, 1, MessageState.DELIVERED);
      const now = Date.now();

      expect(idsOf(await sut.logs(accountId, {}, 48, new Date(now + 47 * HOUR)))).toEqual(messageIds);
      expect(await sut.logs(accountId, {}, 48, new Date(now + 49 * HOUR))).toEqual([]);
      expect(await sut.logs(await db.account(), {}, 48)).toEqual([]);
    });
  });
});
