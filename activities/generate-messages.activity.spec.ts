/**
 * Generating a sendout's messages without a worker: a real activity context (heartbeats), SQLite in
 * memory with the product's migrations. A journey step's sendout generates from its audience.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { SegmentEntity, SendoutEntity } from '@sendgate/database';
import { MessageState, SegmentFilter, SendoutAudience } from '@sendgate/domain';
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

/** A sendout of the account, stored as the API or a journey run stores it. */
async function sendout(accountId: string, fields: Partial<SendoutEntity>): Promise<string> {
  const id = randomUUID();
  await db.dataSource.getRepository(SendoutEntity).insert(sendoutRow({ id, accountId, integrationId: randomUUID(), ...fields }));
  return id;
}

async function contactsOf(sendoutId: string): Promise<Array<{ externalId: string; state: string }>> {
  const rows = await db.sql.all<{ external_id: string; state: string }>(
    'SELECT c.external_id, m.state FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.sendout_id = ? ORDER BY c.id',
    [sendoutId],
  );
  return rows.map((r) => ({ externalId: r.external_id, state: r.state }));
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

    expect(await env.run(sut, { sendoutId, pageSize: 2 })).toEqual({ generated: 3 });
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

    expect(await env.run(sut, { sendoutId, pageSize: 100 })).toEqual({ generated: 2 });
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

    expect(await env.run(sut, { sendoutId, pageSize: 1 })).toEqual({ generated: 2 });
    expect((await contactsOf(sendoutId)).map((c) => c.externalId)).toEqual(['c-1', 'c-3']);
  });
});
