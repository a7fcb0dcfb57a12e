/**
 * Generation excludes the contacts that lack the address the integration's identifier type needs:
 * an EXCLUDED message with the reason, in the same INSERT … SELECT as the others, and with feedback
 * on an `exclude` event per excluded message, queued once however often a page is retried.
 */
import { randomUUID } from 'node:crypto';
import { ContactAddress, FeedbackEvent, IdentifierType, MessageState, SegmentFilter, addressNeeded } from '@sendgate/domain';
import { describeOnEachDatabase, TestDatabase } from '../../../../test/test-databases';
import { sendoutRow } from '../../../../test/sendout-row';
import { MessagesRepository } from './messages.repository';
import { SendoutsRepository } from './sendouts.repository';

const COHORT: SegmentFilter = { all: [{ attribute: 'cohort', op: 'eq', value: 'x' }] };

/**
 * Contacts as stored before addresses were normalised (or by another tool): written straight to the
 * table, so that NULL, empty and blank addresses are all there.
 */
const CONTACTS: Array<{ externalId: string; email: string | null; phone: string | null }> = [
  { externalId: 'both', email: 'both@example.com', phone: '+447700900001' },
  { externalId: 'no-email-null', email: null, phone: '+447700900002' },
  { externalId: 'no-email-empty', email: '', phone: '+447700900003' },
  { externalId: 'no-email-blank', email: '   ', phone: '+447700900004' },
  { externalId: 'no-phone-null', email: 'p1@example.com', phone: null },
  { externalId: 'no-phone-empty', email: 'p2@example.com', phone: '' },
  { externalId: 'no-phone-blank', email: 'p3@example.com', phone: '  ' },
  { externalId: '', email: 'e1@example.com', phone: '+447700900008' },
];

/** Who each address excludes, with the reason. */
const EXCLUDED: Record<ContactAddress, { ids: string[]; reason: string }> = {
  email: { ids: ['no-email-null', 'no-email-empty', 'no-email-blank'], reason: 'no email address' },
  phone: { ids: ['no-phone-null', 'no-phone-empty', 'no-phone-blank'], reason: 'no phone number' },
  // one of '' and '   ' only: MariaDB's unique key pads them equal
  externalId: { ids: [''], reason: 'no external id' },
};

async function accountWithLooseContacts(db: TestDatabase): Promise<string> {
  const accountId = await db.account();
  const now = db.sql.dialect.timestamp(new Date());
  for (const c of CONTACTS) {
    await db.sql.run(
      'INSERT INTO contacts (account_id, external_id, email, phone, attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [accountId, c.externalId, c.email, c.phone, JSON.stringify({ cohort: 'x' }), now, now],
    );
  }
  return accountId;
}

/** A stored sendout reporting to one feedback webhook (on or off): the outbox joins both. */
async function sendoutWithWebhook(db: TestDatabase, accountId: string, feedbackEnabled: boolean): Promise<string> {
  const id = randomUUID();
  await new SendoutsRepository(db.sql).insert(sendoutRow({ id, accountId, integrationId: randomUUID(), feedbackEnabled }), [randomUUID()]);
  return id;
}

describeOnEachDatabase((db) => {
  let sut: MessagesRepository;
  beforeAll(() => {
    sut = new MessagesRepository(db.sql);
  });

  async function messagesOf(sendoutId: string) {
    const rows = await db.sql.all<{ external_id: string; state: MessageState; reason: string | null }>(
      'SELECT c.external_id, m.state, m.reason FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.sendout_id = ? ORDER BY c.id',
      [sendoutId],
    );
    return rows.map((r) => [r.external_id, r.state, r.reason]);
  }

  function expected(needs: ContactAddress, state: MessageState) {
    const { ids, reason } = EXCLUDED[needs];
    return CONTACTS.map((c) => (ids.includes(c.externalId) ? [c.externalId, MessageState.EXCLUDED, reason] : [c.externalId, state, null]));
  }

  async function outboxOf(sendoutId: string) {
    const rows = await db.sql.all<{ message_id: number | string; event: string; failure_reason: string | null }>(
      'SELECT message_id, event, failure_reason FROM feedback_deliveries WHERE sendout_id = ? ORDER BY message_id',
      [sendoutId],
    );
    return rows.map((r) => ({ messageId: Number(r.message_id), event: r.event, reason: r.failure_reason }));
  }

  async function excludedIds(sendoutId: string): Promise<number[]> {
    const rows = await db.sql.all<{ id: number | string }>('SELECT id FROM messages WHERE sendout_id = ? AND state = ? ORDER BY id', [
      sendoutId,
      MessageState.EXCLUDED,
    ]);
    return rows.map((r) => Number(r.id));
  }

  describe('when a segment is generated for an integration that needs an address', () => {
    it.each<[IdentifierType, MessageState]>([
      ['email', MessageState.GATED],
      ['email', MessageState.ACCEPTED],
      ['email_sha256', MessageState.GATED],
      ['phone', MessageState.GATED],
      ['phone', MessageState.ACCEPTED],
      ['external_id', MessageState.ACCEPTED],
    ])(
      'for identifier type %s, excludes the contacts without its address (NULL, empty or blank), the others start %s',
      async (type, state) => {
        const accountId = await accountWithLooseContacts(db);
        const sendoutId = randomUUID();
        const needs = addressNeeded(type);
        const page = () => sut.generateSegmentPage({ sendoutId, accountId, filter: COHORT, state, needs, pageSize: 3 });

        expect([await page(), await page(), await page()]).toEqual([3, 3, 2]);
        expect(await page()).toBe(0);

        expect(await messagesOf(sendoutId)).toEqual(expected(needs, state));
        expect(await sut.countByState(sendoutId)).toEqual({
          [state]: CONTACTS.length - EXCLUDED[needs].ids.length,
          [MessageState.EXCLUDED]: EXCLUDED[needs].ids.length,
        });
      },
    );

    it('excludes no one when no address is named (a list completed for a cancel)', async () => {
      const accountId = await accountWithLooseContacts(db);
      const sendoutId = randomUUID();
      await sut.generateSegmentPage({ sendoutId, accountId, filter: COHORT, state: MessageState.GENERATED, pageSize: 100 });
      expect(await sut.countByState(sendoutId)).toEqual({ [MessageState.GENERATED]: CONTACTS.length });
    });
  });

  describe("when a journey step's audience is generated", () => {
    it("excludes the earlier path's contacts that lack the address, with the reason", async () => {
      const accountId = await accountWithLooseContacts(db);
      const earlier = randomUUID();
      await sut.generateSegmentPage({ sendoutId: earlier, accountId, filter: COHORT, state: MessageState.ACCEPTED, pageSize: 100 });
      const sendoutId = randomUUID();
      for (;;) {
        const inserted = await sut.generateAudiencePage({
          sendoutId,
          accountId,
          audience: { from: { sendoutId: earlier, path: 'accepted' }, conditions: [] },
          state: MessageState.GATED,
          needs: 'phone',
          pageSize: 2,
        });
        if (inserted < 2) break;
      }
      expect(await messagesOf(sendoutId)).toEqual(expected('phone', MessageState.GATED));
    });
  });

  describe('when messages are generated for listed contacts', () => {
    it('excludes those without the address, and a second run inserts nothing', async () => {
      const accountId = await accountWithLooseContacts(db);
      const sendoutId = randomUUID();
      const generate = () =>
        sut.generateForExternalIds({
          sendoutId,
          accountId,
          externalIds: CONTACTS.map((c) => c.externalId),
          state: MessageState.ACCEPTED,
          needs: 'email',
        });
      expect(await generate()).toBe(CONTACTS.length);
      expect(await generate()).toBe(0);
      expect(await messagesOf(sendoutId)).toEqual(expected('email', MessageState.ACCEPTED));
    });

    it('reads the email an email API request gave for a recipient whose contact has none', async () => {
      const accountId = await accountWithLooseContacts(db);
      const sendoutId = randomUUID();
      const contact = await db.sql.one<{ id: number | string }>('SELECT id FROM contacts WHERE account_id = ? AND external_id = ?', [
        accountId,
        'no-email-null',
      ]);
      await db.sql.run(
        'INSERT INTO email_messages (account_id, sendout_id, contact_id, message_id, to_address, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [accountId, sendoutId, contact!.id, randomUUID(), 'given@example.com', db.sql.dialect.timestamp(new Date())],
      );
      await sut.generateForExternalIds({
        sendoutId,
        accountId,
        externalIds: ['no-email-null', 'no-email-empty'],
        state: MessageState.ACCEPTED,
        needs: 'email',
      });
      expect(await messagesOf(sendoutId)).toEqual([
        ['no-email-null', MessageState.ACCEPTED, null],
        ['no-email-empty', MessageState.EXCLUDED, 'no email address'],
      ]);
    });
  });

  describe('when the sendout reports to feedback webhooks', () => {
    it('queues one exclude event per excluded message, with the reason, however often pages are retried', async () => {
      const accountId = await accountWithLooseContacts(db);
      const sendoutId = await sendoutWithWebhook(db, accountId, true);
      const page = () =>
        sut.generateSegmentPage({
          sendoutId,
          accountId,
          filter: COHORT,
          state: MessageState.GATED,
          needs: 'phone',
          feedback: true,
          pageSize: 3,
        });
      expect([await page(), await page(), await page(), await page()]).toEqual([3, 3, 2, 0]);
      // a retried activity over what is generated: the listed contacts too
      await sut.generateForExternalIds({
        sendoutId,
        accountId,
        externalIds: CONTACTS.map((c) => c.externalId),
        state: MessageState.GATED,
        needs: 'phone',
        feedback: true,
      });

      const excluded = await excludedIds(sendoutId);
      expect(excluded).toHaveLength(3);
      // the reason is what the body reports as messageDeliveryFeedback.messageExclusion.reason
      expect(await outboxOf(sendoutId)).toEqual(
        excluded.map((messageId) => ({ messageId, event: FeedbackEvent.EXCLUDE, reason: 'no phone number' })),
      );
    });

    it('queues the exclude event of each listed contact once', async () => {
      const accountId = await accountWithLooseContacts(db);
      const sendoutId = await sendoutWithWebhook(db, accountId, true);
      const generate = () =>
        sut.generateForExternalIds({
          sendoutId,
          accountId,
          externalIds: CONTACTS.map((c) => c.externalId),
          state: MessageState.ACCEPTED,
          needs: 'email',
          feedback: true,
        });
      await generate();
      await generate();
      const excluded = await excludedIds(sendoutId);
      expect(excluded).toHaveLength(3);
      expect((await outboxOf(sendoutId)).map((row) => row.messageId)).toEqual(excluded);
    });

    it('queues nothing when the sendout has feedback off', async () => {
      const accountId = await accountWithLooseContacts(db);
      const sendoutId = await sendoutWithWebhook(db, accountId, false);
      await sut.generateSegmentPage({ sendoutId, accountId, filter: COHORT, state: MessageState.ACCEPTED, needs: 'phone', pageSize: 100 });
      expect(await excludedIds(sendoutId)).toHaveLength(3);
      expect(await outboxOf(sendoutId)).toEqual([]);
    });
  });

  describe('when the gate lists its items and a path is listed', () => {
    it('leaves the excluded out of the items, and lists them with their reason on their own', async () => {
      const accountId = await accountWithLooseContacts(db);
      const sendoutId = randomUUID();
      await sut.generateSegmentPage({ sendoutId, accountId, filter: COHORT, state: MessageState.GATED, needs: 'phone', pageSize: 100 });

      const items = await sut.contactsPage(sendoutId, 0, 100);
      expect(items.map((i) => i.externalId)).toEqual(CONTACTS.map((c) => c.externalId).filter((id) => !EXCLUDED.phone.ids.includes(id)));
      const excluded = await sut.contactsPage(sendoutId, 0, 100, MessageState.EXCLUDED);
      expect(excluded.map((i) => [i.externalId, i.reason])).toEqual(EXCLUDED.phone.ids.map((id) => [id, 'no phone number']));
    });
  });

  describe('when a range with excluded messages is claimed for sending', () => {
    it('never claims them', async () => {
      const accountId = await accountWithLooseContacts(db);
      const sendoutId = randomUUID();
      await sut.generateSegmentPage({ sendoutId, accountId, filter: COHORT, state: MessageState.ACCEPTED, needs: 'email', pageSize: 100 });
      const [range] = await sut.planPages(sendoutId, 0, 100, 1);

      expect(await sut.claimRange(sendoutId, range)).toBe(CONTACTS.length - EXCLUDED.email.ids.length);
      expect((await sut.loadClaimed(sendoutId, range)).map((m) => m.externalId)).not.toContain('no-email-null');
      expect((await sut.countByState(sendoutId))[MessageState.EXCLUDED]).toBe(EXCLUDED.email.ids.length);
    });
  });
});
