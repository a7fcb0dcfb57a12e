/** A stack with a worker, a loopback ESP and an integrator endpoint registered as the gate. */
import { Client } from '@temporalio/client';
import { SendoutSchedule, scheduleUpdate } from '../workflows/sendout.messages';
import { EspReceiver } from './esp-receiver';
import { StackOptions, TestStack } from './harness';
import { SendingStack, expectStatus, startSendingStack } from './scenario';
import { waitFor } from './wait';

export interface GatedStack extends SendingStack {
  integrator: EspReceiver;
}

export async function startGatedStack(options: StackOptions & { worker?: boolean } = {}): Promise<GatedStack> {
  const sending = await startSendingStack(options);
  const integrator = await new EspReceiver().start();
  await expectStatus(sending.stack.request('PUT', '/v1/send-gate/endpoint', { transport: 'http', url: integrator.url }), 200);
  return {
    ...sending,
    integrator,
    stop: async () => {
      await sending.stop();
      await integrator.stop();
    },
  };
}

/** The gate webhook the integrator received for a sendout. */
export async function webhookFor(integrator: EspReceiver, sendoutId: string): Promise<any> {
  let found: any;
  await waitFor(`the gate webhook of ${sendoutId}`, 30_000, () => {
    found = integrator.requests.map((r) => JSON.parse(r.body)).find((body) => body.sendoutId === sendoutId);
    return found !== undefined;
  });
  return found;
}

/**
 * Accepts a gate while the test holds the sendout's row, so that the gate's close (a local activity
 * that enters SENDING in that row) waits until its workflow task is renewed (about 8 s), and sends
 * an operator's pause (the `schedule` update, as the Web UI would) meanwhile. The row is let go once
 * the pause's own write waits beside the close's: the update reached the run while the close ran.
 * Both get in well within the close's 30 s local activity timeout (past it, a retry of the close
 * would queue behind the first). Answers the schedule the update answered.
 */
export async function pauseWhileGateCloses(
  stack: TestStack,
  client: Client,
  sendout: { id: string; workflowId: string },
  finishUri: string,
): Promise<SendoutSchedule> {
  const waiting = async (statement: string) =>
    Number(
      (
        await stack.dataSource.query(
          `SELECT COUNT(*) AS n FROM information_schema.innodb_trx
           WHERE trx_state = 'LOCK WAIT' AND trx_query LIKE ? AND trx_query LIKE ?`,
          [`${statement}%`, `%${sendout.id}%`],
        )
      )[0].n,
    );
  const lock = stack.dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.startTransaction();
    await lock.query('SELECT id FROM sendouts WHERE id = ? FOR UPDATE', [sendout.id]);
    const accept = await fetch(finishUri, { method: 'POST' });
    if (accept.status !== 200) throw new Error(`the accept answered ${accept.status}`);
    await waitFor('the gate to close into the held row', 10_000, async () => (await waiting('UPDATE sendouts SET stage')) === 1);
    const paused = client.workflow.getHandle(sendout.workflowId).executeUpdate(scheduleUpdate, { args: [{ paused: true }] });
    paused.catch(() => undefined); // awaited below, once the row is let go
    await waitFor('the pause to reach the run', 15_000, async () => (await waiting('UPDATE sendouts SET send_at')) === 1);
    if ((await waiting('UPDATE sendouts SET stage')) !== 1) throw new Error('the close no longer waits on the row');
    await lock.rollbackTransaction();
    return await paused;
  } finally {
    if (lock.isTransactionActive) await lock.rollbackTransaction();
    await lock.release();
  }
}
