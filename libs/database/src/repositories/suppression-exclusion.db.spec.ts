/**
 * Generation excludes the contacts whose address is on the account's suppression list for the
 * sendout's channel: an EXCLUDED message with the suppression's reason, in the same INSERT … SELECT
 * as the others, on every way of naming an audience. A missing address is reported before a
 * suppression; another account's or channel's entry excludes no one; a sendout may skip
 * `unsubscribed` entries.
 */
import { randomUUID } from 'node:crypto';
import { Channel, FeedbackEvent, MessageState, SegmentFilter, SuppressionReason } from '@sendgate/domain';
import { describeOnEachDatabase, TestDatabase } from '../../../../test/test-databases';
import { sendoutRow } from '../../../../test/sendout-row';
import { GenerateOptions } from './generated-state';
import { MessagesRepository } from './messages.repository';
import { SendoutsRepository } from './sendouts.repository';
import { SuppressionsRepository } from './suppressions.repository';

const COHORT: SegmentFilter = { all: [{ attribute: 'cohort', op: 'eq', value: 'x' }] };

const CONTACTS = [
  { externalId: 'ada', email: 'ada@example.com', phone: '+447700900001' },
  { externalId: 'bounced', email: 'bounced@example.com', phone: '+447700900002' },
  { externalId: 'left', email: 'left@example.com', phone: '+447700900003' },
  { externalId: 'spam', email: 'spam@example.com', phone: null },
  { externalId: 'texted-out', email: 'texted-out@example.com', phone: '+447700900005' },
  { externalId: 'grace', email: null, phone: '+447700900006' },
];

const EMAIL_SUPPRESSIONS: Array<[string, SuppressionReason]> = [
  ['bounced@example.com', 'hard_bounce'],
  ['left@example.com', 'unsubscribed'],
  ['spam@example.com', 'complaint'],
];

async function accountWithSuppressions(db: TestDatabase): Promise<string> {
  const accountId = await db.account();
  const now = db.sql.dialect.timestamp(new Date());
  for (const c of CONTACTS) {
    await db.sql.run(
      'INSERT INTO contacts (account_id, external_id, email, phone, attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [accountId, c.externalId, c.email, c.phone, JSON.stringify({ cohort: 'x' }), now, now],
    );
  }
  const suppressions = new SuppressionsRepository(db.sql);
  await suppressions.add(
    accountId,
    EMAIL_SUPPRESSIONS.map(([address, reason]) => ({ channel: Channel.EMAIL, address, reason, source: null })),
  );
  await suppressions.add(accountId, [{ channel: Channel.SMS, address: '+447700900005', reason: 'manual', source: 'support ticket' }]);
  return accountId;
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
    return Object.fromEntries(rows.map((r) => [r.external_id, r.state === MessageState.EXCLUDED ? r.reason : r.state]));
  }

  const EMAIL: GenerateOptions = { state: MessageState.ACCEPTED, needs: 'email', suppression: { channel: Channel.EMAIL } };
  const EMAIL_OUTCOME = {
    ada: MessageState.ACCEPTED,
    bounced: 'suppressed: hard_bounce',
    left: 'suppressed: unsubscribed',
    spam: 'suppressed: complaint',
    'texted-out': MessageState.ACCEPTED,
    grace: 'no email address',
  };

  it("excludes a segment's suppressed addresses with the suppression's reason, page by page", async () => {
    const accountId = await accountWithSuppressions(db);
    const sendoutId = randomUUID();
    const page = () => sut.generateSegmentPage({ sendoutId, accountId, filter: COHORT, ...EMAIL, pageSize: 4 });
    expect([await page(), await page(), await page()]).toEqual([4, 2, 0]);
    expect(await messagesOf(sendoutId)).toEqual(EMAIL_OUTCOME);
    expect(await sut.countByState(sendoutId)).toEqual({ [MessageState.ACCEPTED]: 2, [MessageState.EXCLUDED]: 4 });
  });

  it('matches an SMS sendout on the phone, against the sms list only', async () => {
    const accountId = await accountWithSuppressions(db);
    const sendoutId = randomUUID();
    await sut.generateSegmentPage({
      sendoutId,
      accountId,
      filter: COHORT,
      state: MessageState.GATED,
      needs: 'phone',
      suppression: { channel: Channel.SMS },
      pageSize: 100,
    });
    expect(await messagesOf(sendoutId)).toEqual({
      ada: MessageState.GATED,
      bounced: MessageState.GATED,
      left: MessageState.GATED,
      spam: 'no phone number',
      'texted-out': 'suppressed: manual',
      grace: MessageState.GATED,
    });
  });

  it("excludes no one for another account's list", async () => {
    const accountId = await accountWithSuppressions(db);
    const other = await db.account();
    await new SuppressionsRepository(db.sql).add(other, [
      { channel: Channel.EMAIL, address: 'ada@example.com', reason: 'manual', source: null },
    ]);
    const sendoutId = randomUUID();
    await sut.generateSegmentPage({ sendoutId, accountId, filter: COHORT, ...EMAIL, pageSize: 100 });
    expect((await messagesOf(sendoutId)).ada).toBe(MessageState.ACCEPTED);
  });

  it('sends to the unsubscribed when the sendout ignores unsubscribes, never to bounces or complaints', async () => {
    const accountId = await accountWithSuppressions(db);
    const sendoutId = randomUUID();
    await sut.generateForExternalIds({
      sendoutId,
      accountId,
      externalIds: CONTACTS.map((c) => c.externalId),
      ...EMAIL,
      suppression: { channel: Channel.EMAIL, ignoreUnsubscribes: true },
    });
    expect(await messagesOf(sendoutId)).toEqual({ ...EMAIL_OUTCOME, left: MessageState.ACCEPTED });
  });

  it('matches the address an email API request gave, as its client spelled it, not the contact’s', async () => {
    const accountId = await accountWithSuppressions(db);
    const sendoutId = randomUUID();
    const ada = await db.sql.one<{ id: number | string }>('SELECT id FROM contacts WHERE account_id = ? AND external_id = ?', [
      accountId,
      'ada',
    ]);
    await db.sql.run(
      'INSERT INTO email_messages (account_id, sendout_id, contact_id, message_id, to_address, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [accountId, sendoutId, ada!.id, randomUUID(), ' Bounced@Example.com', db.sql.dialect.timestamp(new Date())],
    );
    await sut.generateForExternalIds({ sendoutId, accountId, externalIds: ['ada'], ...EMAIL });
    expect(await messagesOf(sendoutId)).toEqual({ ada: 'suppressed: hard_bounce' });
  });

  it("excludes the suppressed of a journey step's audience", async () => {
    const accountId = await accountWithSuppressions(db);
    const earlier = randomUUID();
    await sut.generateSegmentPage({ sendoutId: earlier, accountId, filter: COHORT, state: MessageState.ACCEPTED, pageSize: 100 });
    for (const audience of [
      { from: { sendoutId: earlier, path: 'accepted' as const }, conditions: [] },
      { segmentId: 'cohort', conditions: [] },
    ]) {
      const sendoutId = randomUUID();
      await sut.generateAudiencePage({ sendoutId, accountId, audience, segmentFilter: COHORT, ...EMAIL, pageSize: 100 });
      expect(await messagesOf(sendoutId)).toEqual(EMAIL_OUTCOME);
    }
  });

  it('queues an exclude event with the suppression reason when the sendout reports feedback', async () => {
    const accountId = await accountWithSuppressions(db);
    const sendoutId = randomUUID();
    await new SendoutsRepository(db.sql).insert(
      sendoutRow({ id: sendoutId, accountId, integrationId: randomUUID(), feedbackEnabled: true }),
      [randomUUID()],
    );
    // no address check: only the list excludes
    await sut.generateSegmentPage({
      sendoutId,
      accountId,
      filter: COHORT,
      state: MessageState.ACCEPTED,
      suppression: { channel: Channel.EMAIL },
      feedback: true,
      pageSize: 100,
    });
    const rows = await db.sql.all<{ event: string; failure_reason: string }>(
      'SELECT event, failure_reason FROM feedback_deliveries WHERE sendout_id = ? ORDER BY message_id',
      [sendoutId],
    );
    expect(rows.map((r) => [r.event, r.failure_reason])).toEqual([
      [FeedbackEvent.EXCLUDE, 'suppressed: hard_bounce'],
      [FeedbackEvent.EXCLUDE, 'suppressed: unsubscribed'],
      [FeedbackEvent.EXCLUDE, 'suppressed: complaint'],
    ]);
  });
});
