import { EspReceiver } from '../esp-receiver';
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack } from '../harness';
import { expectStatus, seedSendout, waitForStage } from '../scenario';
import { startTemporalAgain, stopTemporal } from '../temporal-server';

const CONTACTS = 50;

describe('a sendout waiting at its gate', () => {
  let gated: GatedStack;
  let stack: TestStack;
  let esp: EspReceiver;

  beforeAll(async () => {
    gated = await startGatedStack({ worker: false });
    ({ stack, esp } = gated);
  });

  afterAll(async () => {
    await gated?.stop();
  });

  async function gatedSendout(timeout: string): Promise<{ id: string; hook: any }> {
    const seed = await seedSendout(stack, { contacts: CONTACTS, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'durable gate',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'x' },
        gate: { enabled: true, timeout },
      }),
      202,
    );
    return { id: sendout.id, hook: await webhookFor(gated.integrator, sendout.id) };
  }

  const sentFor = (sendoutId: string) => new Set(esp.requests.filter((r) => r.key.startsWith(`${sendoutId}:`)).map((r) => r.key)).size;

  it('survives the worker being killed: a new worker picks up the accept', async () => {
    const worker = await stack.startWorker();
    const { id, hook } = await gatedSendout('5m');
    worker.kill('SIGKILL');
    await worker.exited;

    expect((await fetch(hook.finishUri, { method: 'POST' })).status).toBe(200);
    await stack.startWorker();

    const done = await waitForStage(stack, id, 'COMPLETED', 90_000);
    expect(done.counts.SENT).toBe(CONTACTS);
    expect(sentFor(id)).toBe(CONTACTS);
  });

  it('survives a Temporal restart: an accept committed while Temporal was down is honoured at the deadline', async () => {
    const { id, hook } = await gatedSendout('20s');
    await stopTemporal();
    try {
      // The decision is committed to the database; the wake-up signal cannot be delivered now.
      expect((await fetch(hook.finishUri, { method: 'POST' })).status).toBe(200);
    } finally {
      await startTemporalAgain();
    }

    const done = await waitForStage(stack, id, 'COMPLETED', 120_000);
    expect(done.gate.state).toBe('ACCEPTED');
    expect(done.counts.SENT).toBe(CONTACTS);
    expect(sentFor(id)).toBe(CONTACTS);
  });
});
