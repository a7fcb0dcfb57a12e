/**
 * Gate decisions made by the worker (a deadline, a cancel), counted once each in
 * sendgate_gate_decisions_total: SQLite in memory with the product's migrations, no worker.
 */
import { randomUUID } from 'node:crypto';
import { MessagesRepository, SendoutEntity } from '@sendgate/database';
import { GateState, MessageState, SendoutStage } from '@sendgate/domain';
import { GateDecision, metrics } from '@sendgate/metrics';
import { inActivityEnvironment } from '../test/activity-environment';
import { sqliteSendoutActivities } from '../test/sendout-activity-deps';
import { sendoutRow } from '../test/sendout-row';
import type { SendoutActivities } from './index';

const { db, activities } = sqliteSendoutActivities();
let sut: SendoutActivities;

beforeAll(() => {
  sut = inActivityEnvironment(activities());
});

/** A sendout of 2 GATED messages waiting at an open gate. */
async function gatedSendout(): Promise<string> {
  const accountId = await db.accountWithContacts(2);
  const id = randomUUID();
  await db.dataSource
    .getRepository(SendoutEntity)
    .insert(
      sendoutRow({ id, accountId, integrationId: randomUUID(), gateEnabled: true, gateTimeoutMs: 60_000, stage: SendoutStage.GATED }),
    );
  await db.messages(accountId, 2, MessageState.GATED, id);
  await sut.openGate({ sendoutId: id, timeoutMs: 60_000 });
  return id;
}

async function decisions(decision: GateDecision): Promise<number> {
  const { values } = await metrics.gateDecisions.get();
  return values.find((v) => v.labels.decision === decision)?.value ?? 0;
}

describe('when the gate deadline passes without a decision', () => {
  it('counts one timed_out decision, however often the gate is closed', async () => {
    const sendoutId = await gatedSendout();
    const before = await decisions('timed_out');

    expect(await sut.closeGate({ sendoutId, deadlinePassed: true })).toMatchObject({ state: GateState.TIMED_OUT, timedOut: 2 });
    await sut.closeGate({ sendoutId, deadlinePassed: true });

    expect(await decisions('timed_out')).toBe(before + 1);
  });
});

describe('when the gate is woken early without a decision', () => {
  it('counts nothing', async () => {
    const sendoutId = await gatedSendout();
    const before = await decisions('timed_out');

    expect(await sut.closeGate({ sendoutId, deadlinePassed: false })).toMatchObject({ state: GateState.OPEN });

    expect(await decisions('timed_out')).toBe(before);
  });
});

describe('when a sendout waiting at its gate is cancelled', () => {
  it('counts one canceled decision, and none for a gate already decided', async () => {
    const open = await gatedSendout();
    const timedOut = await gatedSendout();
    await sut.closeGate({ sendoutId: timedOut, deadlinePassed: true });
    const before = await decisions('canceled');

    await sut.cancelSendout({ sendoutId: open });
    await sut.cancelSendout({ sendoutId: timedOut });

    expect(await decisions('canceled')).toBe(before + 1);
  });
});

describe('when an accepted batch is sent under quick-accept', () => {
  it('leaves it GATED yet counted accepted, lets its pages claim it, and releases the rest', async () => {
    const sendoutId = await gatedSendout();
    const ids = (await db.sql.all<{ id: number }>('SELECT id FROM messages WHERE sendout_id = ? ORDER BY id', [sendoutId])).map((r) =>
      Number(r.id),
    );
    // Before the accept, a GATED message is nobody's to claim.
    expect(await new MessagesRepository(db.sql).claimRange(sendoutId, [ids[0], ids[0]])).toBe(0);
    await db.sql.run("UPDATE sendout_gates SET state = 'ACCEPTED' WHERE sendout_id = ?", [sendoutId]);

    const outcome = await sut.closeGate({ sendoutId, deadlinePassed: false, releaseAccepted: false });

    expect(outcome).toEqual({ state: GateState.ACCEPTED, accepted: 2, rejected: 0, timedOut: 0 });
    expect(await new MessagesRepository(db.sql).countByState(sendoutId)).toEqual({ [MessageState.GATED]: 2 });
    // The first page claims its GATED message at once; the release moves the other one.
    expect(await new MessagesRepository(db.sql).claimRange(sendoutId, [ids[0], ids[0]])).toBe(1);
    expect(await sut.releaseAcceptedGate({ sendoutId })).toEqual({ released: 1 });
    expect(await new MessagesRepository(db.sql).countByState(sendoutId)).toEqual({ [MessageState.SENDING]: 1, [MessageState.ACCEPTED]: 1 });
  });
});

describe('when an accepted gate starts sending at once', () => {
  it('enters SENDING and plans the first pages, in the same call that closes the gate', async () => {
    const sendoutId = await gatedSendout();
    const ids = (await db.sql.all<{ id: number }>('SELECT id FROM messages WHERE sendout_id = ? ORDER BY id', [sendoutId])).map((r) =>
      Number(r.id),
    );
    await db.sql.run("UPDATE sendout_gates SET state = 'ACCEPTED' WHERE sendout_id = ?", [sendoutId]);

    const outcome = await sut.closeGate({
      sendoutId,
      deadlinePassed: false,
      releaseAccepted: false,
      startSending: { afterId: 0, pageSize: 1, maxPages: 4 },
    });

    expect(outcome).toEqual({
      state: GateState.ACCEPTED,
      accepted: 2,
      rejected: 0,
      timedOut: 0,
      firstPages: [
        [ids[0], ids[0]],
        [ids[1], ids[1]],
      ],
    });
    expect((await db.dataSource.getRepository(SendoutEntity).findOneByOrFail({ id: sendoutId })).stage).toBe(SendoutStage.SENDING);
  });

  it('leaves a sendout a cancel has already moved on as the cancel left it', async () => {
    const sendoutId = await gatedSendout();
    await db.sql.run("UPDATE sendout_gates SET state = 'ACCEPTED' WHERE sendout_id = ?", [sendoutId]);
    await db.sql.run('UPDATE sendouts SET stage = ? WHERE id = ?', [SendoutStage.CANCELED, sendoutId]);

    await sut.closeGate({
      sendoutId,
      deadlinePassed: false,
      releaseAccepted: false,
      startSending: { afterId: 0, pageSize: 1, maxPages: 4 },
    });

    expect((await db.dataSource.getRepository(SendoutEntity).findOneByOrFail({ id: sendoutId })).stage).toBe(SendoutStage.CANCELED);
  });

  it('changes neither the stage nor plans anything when the deadline passed first', async () => {
    const sendoutId = await gatedSendout();

    const outcome = await sut.closeGate({
      sendoutId,
      deadlinePassed: true,
      releaseAccepted: false,
      startSending: { afterId: 0, pageSize: 1, maxPages: 4 },
    });

    expect(outcome).toEqual({ state: GateState.TIMED_OUT, accepted: 0, rejected: 0, timedOut: 2 });
    expect((await db.dataSource.getRepository(SendoutEntity).findOneByOrFail({ id: sendoutId })).stage).toBe(SendoutStage.GATED);
  });

  it('changes neither while the gate is still open', async () => {
    const sendoutId = await gatedSendout();

    const outcome = await sut.closeGate({ sendoutId, deadlinePassed: false, startSending: { afterId: 0, pageSize: 1, maxPages: 4 } });

    expect(outcome).not.toHaveProperty('firstPages');
    expect(outcome.state).toBe(GateState.OPEN);
    expect((await db.dataSource.getRepository(SendoutEntity).findOneByOrFail({ id: sendoutId })).stage).toBe(SendoutStage.GATED);
  });
});
