/**
 * Cancelling or failing a sendout that stopped early: with SQLite in memory and the product's
 * migrations, no worker. A list's contacts whose messages were not generated in time still end
 * in a final state; a segment's audience is what was generated.
 */
import { randomUUID } from 'node:crypto';
import { SendoutEntity } from '@sendgate/database';
import { MessageState, SendoutStage } from '@sendgate/domain';
import { inActivityEnvironment } from '../test/activity-environment';
import { sqliteSendoutActivities } from '../test/sendout-activity-deps';
import { sendoutRow } from '../test/sendout-row';
import type { SendoutActivities } from './index';

const { db, activities } = sqliteSendoutActivities();
let sut: SendoutActivities;

beforeAll(() => {
  sut = inActivityEnvironment(activities());
});

/** A sendout of 5 contacts stopped while generating, with messages for the first `generated` of them only. */
async function stoppedEarly(generated: number, listed: boolean, fields: Partial<SendoutEntity> = {}) {
  const accountId = await db.accountWithContacts(5);
  const id = randomUUID();
  await db.dataSource.getRepository(SendoutEntity).insert(
    sendoutRow({
      id,
      accountId,
      integrationId: randomUUID(),
      kind: listed ? 'single' : 'batch',
      contactIds: listed ? ['c-1', 'c-2', 'c-3', 'c-4', 'c-5'] : null,
      segmentId: listed ? null : randomUUID(),
      stage: SendoutStage.GENERATING,
      ...fields,
    }),
  );
  await db.messages(accountId, generated, MessageState.ACCEPTED, id);
  return id;
}

const statesOf = async (sendoutId: string) => {
  const rows = await db.sql.all<{ state: string; n: number | string }>(
    'SELECT state, COUNT(*) AS n FROM messages WHERE sendout_id = ? GROUP BY state',
    [sendoutId],
  );
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
};

describe('a sendout to a list stopped before every message was generated', () => {
  it('cancelled: every listed contact ends CANCELED, those not generated in time too', async () => {
    const sendoutId = await stoppedEarly(2, true);
    expect(await sut.cancelSendout({ sendoutId })).toEqual({ canceled: 5 });
    expect(await statesOf(sendoutId)).toEqual({ CANCELED: 5 });
  });

  it('failed: every listed contact ends FAILED with the reason', async () => {
    const sendoutId = await stoppedEarly(0, true);
    expect(await sut.failSendout({ sendoutId, reason: 'the database was gone' })).toEqual({ failed: 5 });
    expect(await statesOf(sendoutId)).toEqual({ FAILED: 5 });
  });
});

describe('a sendout to a segment stopped early', () => {
  it('cancels what was generated and adds nobody', async () => {
    const sendoutId = await stoppedEarly(2, false);
    expect(await sut.cancelSendout({ sendoutId })).toEqual({ canceled: 2 });
    expect(await statesOf(sendoutId)).toEqual({ CANCELED: 2 });
  });
});

describe('a journey step stopped early', () => {
  it('cancels what was generated and adds nobody, even when its sendout also lists contacts', async () => {
    const audience = { contactIds: ['c-1', 'c-2', 'c-3', 'c-4', 'c-5'], conditions: [] };
    const sendoutId = await stoppedEarly(2, true, { audience, journeyRunId: randomUUID(), journeyStepId: 'hello' });
    expect(await sut.cancelSendout({ sendoutId })).toEqual({ canceled: 2 });
    expect(await statesOf(sendoutId)).toEqual({ CANCELED: 2 });
  });
});
