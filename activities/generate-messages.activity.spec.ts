/**
 * Generating a sendout's messages without a worker: a real activity context (heartbeats), SQLite in
 * memory with the product's migrations. A journey step's sendout generates from its audience.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import {
  ContactsRepository,
  IntegrationStatus,
  IntegrationsRepository,
  SegmentEntity,
  SendoutEntity,
  SendoutsRepository,
  SuppressionsRepository,
} from '@sendgate/database';
import { metrics } from '@sendgate/metrics';
import { Channel, FeedbackEvent, IdentifierType, MessageState, SegmentFilter, SendoutAudience } from '@sendgate/domain';
import { ActivityEnvironment } from '../test/activity-environment';
import { sqliteSendoutActivities } from '../test/sendout-activity-deps';
import { sendoutRow } from '../test/sendout-row';
import type { SendoutActivities } from './index';

const { db, activities } = sqliteSendoutActivities();
const GOLD: SegmentFilter = { all: [{ attribute: 'plan', op: 'eq', value: 'gold' }] };
let sut: SendoutActivities['generateMessages'];
let env: ActivityEnvironment;

beforeAll(() => {
  sut = activities().generateMessages;
});

beforeEach(() => {
  env = new ActivityEnvironment({ activityType: 'generateMessages' });
});

/** An integration of the account whose identifier type decides the address its contacts need. */
async function integration(accountId: string, identifierType: IdentifierType = 'email'): Promise<string> {
  const id = randomUUID();
  await new IntegrationsRepository(db.sql).insert({
    id,
    accountId,
    name: `esp ${identifierType}`,
    channel: identifierType === 'phone' ? 'sms' : 'email',
    url: 'http://127.0.0.1:9/esp',
    payloadTemplate: '{"to":"${userIdentifier}"}',
    status: IntegrationStatus.ACTIVE,
    identifierType,
    authType: 'none',
  });
  return id;
}

/** A sendout of the account, stored as the API or a journey run stores it (feedback webhooks: `webhookIds`). */
async function sendout(accountId: string, fields: Partial<SendoutEntity>, webhookIds: string[] = []): Promise<string> {
  const id = randomUUID();
  const integrationId = fields.integrationId ?? (await integration(accountId));
  await new SendoutsRepository(db.sql).insert(sendoutRow({ id, accountId, ...fields, integrationId }), webhookIds);
  return id;
}

async function contactsOf(sendoutId: string): Promise<Array<{ externalId: string; state: string; reason?: string }>> {
  const rows = await db.sql.all<{ external_id: string; state: string; reason: string | null }>(
    'SELECT c.external_id, m.state, m.reason FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.sendout_id = ? ORDER BY c.id',
    [sendoutId],
  );
  return rows.map((r) => ({ externalId: r.external_id, state: r.state, ...(r.reason !== null ? { reason: r.reason } : {}) }));
}

/** sendgate_messages_excluded_total by reason, as the worker's registry holds it now. */
async function excludedCounts(): Promise<Record<string, number>> {
  const { values } = await metrics.excluded.get();
  const counts: Record<string, number> = { hard_bounce: 0, unsubscribed: 0, no_address: 0 };
  for (const v of values) counts[String(v.labels.reason)] = v.value;
  return counts;
}

async function failureOf(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error('expected the activity to fail');
    },
    (error: unknown) => error,
  );
}

describe("a journey step's sendout", () => {
  it("generates the earlier step's rejected contacts that took the otherwise branch, a page at a time", async () => {
    // c-1 … c-6; the even ones are gold
    const accountId = await db.accountWithContacts(6, (i) => ({ plan: i % 2 === 0 ? 'gold' : 'silver' }));
    const { sendoutId: earlier } = await db.messages(accountId, 6, MessageState.REJECTED);
    const audience: SendoutAudience = { from: { sendoutId: earlier, path: 'rejected' }, conditions: [{ filter: GOLD, match: false }] };
    const sendoutId = await sendout(accountId, { audience, journeyRunId: randomUUID(), journeyStepId: 'reminder', gateEnabled: true });

    expect(await env.run(sut, { sendoutId, pageSize: 2 })).toEqual({ generated: 3, excluded: 0 });
    expect(await contactsOf(sendoutId)).toEqual([
      { externalId: 'c-1', state: MessageState.GATED },
      { externalId: 'c-3', state: MessageState.GATED },
      { externalId: 'c-5', state: MessageState.GATED },
    ]);
    expect(env.heartbeats).toHaveLength(2);
  });

  it("generates the run's segment as it is now", async () => {
    const accountId = await db.accountWithContacts(4, (i) => ({ plan: i <= 3 ? 'gold' : 'silver' }));
    const segmentId = randomUUID();
    await db.dataSource.getRepository(SegmentEntity).insert({ id: segmentId, accountId, name: 'gold', filter: GOLD });
    const audience: SendoutAudience = {
      segmentId,
      conditions: [{ filter: { all: [{ attribute: 'externalId', op: 'neq', value: 'c-2' }] }, match: true }],
    };
    const sendoutId = await sendout(accountId, { audience });

    expect(await env.run(sut, { sendoutId, pageSize: 100 })).toEqual({ generated: 2, excluded: 0 });
    expect(await contactsOf(sendoutId)).toEqual([
      { externalId: 'c-1', state: MessageState.ACCEPTED },
      { externalId: 'c-3', state: MessageState.ACCEPTED },
    ]);
  });

  it("fails for good when the run's segment is gone", async () => {
    const accountId = await db.accountWithContacts(1);
    const sendoutId = await sendout(accountId, { audience: { segmentId: randomUUID(), conditions: [] } });

    const error = await failureOf(env.run(sut, { sendoutId, pageSize: 100 }));
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'SegmentNotFound', nonRetryable: true });
    expect(await contactsOf(sendoutId)).toEqual([]);
  });
});

describe('a sendout to a list, without an audience', () => {
  it('generates the listed contacts, as before', async () => {
    const accountId = await db.accountWithContacts(3);
    const sendoutId = await sendout(accountId, { contactIds: ['c-3', 'c-1'] });

    expect(await env.run(sut, { sendoutId, pageSize: 1 })).toEqual({ generated: 2, excluded: 0 });
    expect((await contactsOf(sendoutId)).map((c) => c.externalId)).toEqual(['c-1', 'c-3']);
  });
});

describe('a sendout through an integration whose identifier type needs an address', () => {
  it('excludes the contacts of an SMS sendout that have no phone, with the reason; the others start as usual', async () => {
    const accountId = await db.accountWithContacts(4, () => ({ plan: 'gold' }));
    await new ContactsRepository(db.sql).upsertMany(accountId, [
      { externalId: 'c-1', email: 'c-1@example.com', phone: '+447700900001', attributes: { plan: 'gold' } },
      { externalId: 'c-3', phone: '+447700900003', attributes: { plan: 'gold' } },
    ]);
    const segmentId = randomUUID();
    await db.dataSource.getRepository(SegmentEntity).insert({ id: segmentId, accountId, name: 'gold', filter: GOLD });
    const sendoutId = await sendout(accountId, { segmentId, integrationId: await integration(accountId, 'phone'), gateEnabled: true });

    expect(await env.run(sut, { sendoutId, pageSize: 3 })).toEqual({ generated: 4, excluded: 2 });
    expect(await contactsOf(sendoutId)).toEqual([
      { externalId: 'c-1', state: MessageState.GATED },
      { externalId: 'c-2', state: MessageState.EXCLUDED, reason: 'no phone number' },
      { externalId: 'c-3', state: MessageState.GATED },
      { externalId: 'c-4', state: MessageState.EXCLUDED, reason: 'no phone number' },
    ]);
  });

  it('queues an exclude event per excluded contact when the sendout reports to feedback webhooks', async () => {
    const accountId = await db.accountWithContacts(2);
    await new ContactsRepository(db.sql).upsertMany(accountId, [{ externalId: 'c-2', phone: '+447700900002' }]);
    const sendoutId = await sendout(
      accountId,
      { contactIds: ['c-1', 'c-2'], integrationId: await integration(accountId, 'email_sha256'), feedbackEnabled: true },
      [randomUUID()],
    );

    await env.run(sut, { sendoutId, pageSize: 100 });
    expect(await contactsOf(sendoutId)).toEqual([
      { externalId: 'c-1', state: MessageState.ACCEPTED },
      { externalId: 'c-2', state: MessageState.EXCLUDED, reason: 'no email address' },
    ]);
    const queued = await db.sql.all<{ event: string; failure_reason: string }>(
      'SELECT event, failure_reason FROM feedback_deliveries WHERE sendout_id = ?',
      [sendoutId],
    );
    expect(queued).toEqual([{ event: FeedbackEvent.EXCLUDE, failure_reason: 'no email address' }]);
  });

  it("excludes the channel's suppressed addresses with the reason, counted by reason in sendgate_messages_excluded_total", async () => {
    const accountId = await db.accountWithContacts(4);
    await new SuppressionsRepository(db.sql).add(accountId, [
      { channel: Channel.EMAIL, address: 'c-2@example.com', reason: 'hard_bounce', source: null },
      { channel: Channel.EMAIL, address: 'c-3@example.com', reason: 'unsubscribed', source: null },
      // another channel's list: c-4 is mailed
      { channel: Channel.SMS, address: '+447700900004', reason: 'manual', source: null },
    ]);
    await new ContactsRepository(db.sql).upsertMany(accountId, [{ externalId: 'c-4', email: 'c-4@example.com', phone: '+447700900004' }]);
    const excludedBefore = await excludedCounts();

    const sendoutId = await sendout(accountId, { contactIds: ['c-1', 'c-2', 'c-3', 'c-4'] });
    await env.run(sut, { sendoutId, pageSize: 100 });
    expect(await contactsOf(sendoutId)).toEqual([
      { externalId: 'c-1', state: MessageState.ACCEPTED },
      { externalId: 'c-2', state: MessageState.EXCLUDED, reason: 'suppressed: hard_bounce' },
      { externalId: 'c-3', state: MessageState.EXCLUDED, reason: 'suppressed: unsubscribed' },
      { externalId: 'c-4', state: MessageState.ACCEPTED },
    ]);
    const excludedAfter = await excludedCounts();
    expect([excludedAfter.hard_bounce - excludedBefore.hard_bounce, excludedAfter.unsubscribed - excludedBefore.unsubscribed]).toEqual([
      1, 1,
    ]);

    // a transactional send that opts out of unsubscribes
    const transactional = await sendout(accountId, { contactIds: ['c-2', 'c-3'], ignoreUnsubscribes: true });
    await env.run(sut, { sendoutId: transactional, pageSize: 100 });
    expect(await contactsOf(transactional)).toEqual([
      { externalId: 'c-2', state: MessageState.EXCLUDED, reason: 'suppressed: hard_bounce' },
      { externalId: 'c-3', state: MessageState.ACCEPTED },
    ]);
  });

  it('fails for good when the integration is gone', async () => {
    const accountId = await db.accountWithContacts(1);
    const sendoutId = await sendout(accountId, { contactIds: ['c-1'], integrationId: randomUUID() });

    const error = await failureOf(env.run(sut, { sendoutId, pageSize: 100 }));
    expect(error).toMatchObject({ type: 'IntegrationNotFound', nonRetryable: true });
    expect(await contactsOf(sendoutId)).toEqual([]);
  });
});
