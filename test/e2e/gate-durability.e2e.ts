import { EspReceiver } from '../esp-receiver';
import { TestStack } from '../harness';
import { expectStatus, seedSendout, waitForStage } from '../scenario';
import { startTemporalAgain, stopTemporal } from '../temporal-server';
import { waitFor } from '../wait';

const CONTACTS = 50;

describe('a sendout waiting at its gate', () => {
  let stack: TestStack;
  let esp: EspReceiver;
  let integrator: EspReceiver;

  beforeAll(async () => {
    esp = await new EspReceiver().start();
    integrator = await new EspReceiver().start();
    stack = await TestStack.start({ database: 'mysql' });
    await expectStatus(stack.request('PUT', '/v1/send-gate/endpoint', { transport: 'http', url: integrator.url }), 200);
  });

  afterAll(async () => {
    await stack?.stop();
    await esp?.stop();
    await integrator?.stop();
  });

  async function gatedSendout(timeout: string): Promise<{ id: string; hook: any }> {
    const seed = await seedSendout(stack, { contacts: CONTACTS, espUrl: esp.url });
    const sendout = await expectStatus(stack.request('POST', '/v1/sendouts', {
      projectId: seed.projectId, name: 'durable gate', segmentId: seed.segmentId, integrationId: seed.integrationId,
      content: { subject: 'x' }, gate: { enabled: true, timeout },
    }), 202);
    let hook: any;
    await waitFor('the gate webhook', 30_000, () => {
      hook = integrator.requests.map((r) => JSON.parse(r.body)).find((b) => b.sendoutId === sendout.id);
      return hook !== undefined;
    });
    return { id: sendout.id, hook };
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
