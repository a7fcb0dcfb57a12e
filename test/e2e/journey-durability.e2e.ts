/**
 * A journey run in the middle of its wait survives its worker being SIGKILLed and the Temporal dev
 * server being restarted: a new worker finishes it, and each step is sent exactly to its path,
 * once (the ESP sees no idempotency key twice).
 */
import { EspReceiver } from '../esp-receiver';
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack } from '../harness';
import { stepOf, waitForRun as waitForRunOf } from '../journey-scenario';
import { expectStatus, seedSendout } from '../scenario';
import { startTemporalAgain, stopTemporal } from '../temporal-server';

const CONTACTS = 30;

describe('a journey run waiting between two message steps', () => {
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

  const waitForRun = (journeyId: string, until: (view: any) => boolean, what: string, timeoutMs?: number) =>
    waitForRunOf(stack, journeyId, 1, until, what, timeoutMs);

  it('survives a worker SIGKILL and a Temporal restart mid-wait, and sends each step exactly to its path once', async () => {
    const worker = await stack.startWorker();
    const seed = await seedSendout(stack, { contacts: CONTACTS, espUrl: esp.url });
    const journey = await expectStatus(
      stack.request('POST', '/v1/journeys', {
        projectId: seed.projectId,
        name: `durable ${seed.tag}`,
        entryStepId: 'first',
        steps: [
          {
            id: 'first',
            type: 'message',
            integrationId: seed.integrationId,
            content: { subject: 'first' },
            gate: { enabled: true, timeout: '5m', split: true },
            next: { accepted: 'pause' },
          },
          { id: 'pause', type: 'wait', duration: '15s', next: 'second' },
          { id: 'second', type: 'message', integrationId: seed.integrationId, content: { subject: 'second' } },
        ],
      }),
      201,
    );
    await expectStatus(stack.request('POST', `/v1/journeys/${journey.id}/runs`, { segmentId: seed.segmentId }), 202);
    const atGate = await waitForRun(journey.id, (r) => stepOf(r, 'first')?.sendouts.length === 1, 'to reach its gate');
    const hook = await webhookFor(gated.integrator, stepOf(atGate, 'first').sendouts[0].id);
    const items = (await (await fetch(hook.itemDownloadUri)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const rejected = new Set(items.filter((_, i) => i % 3 === 0).map((item) => item.email));
    for (const item of items.filter((i) => rejected.has(i.email)))
      expect((await fetch(item.cancelUri, { method: 'POST' })).status).toBe(200);
    expect((await fetch(hook.finishUri, { method: 'POST' })).status).toBe(200);
    await waitForRun(journey.id, (r) => stepOf(r, 'pause').status === 'waiting', 'to wait');

    worker.kill('SIGKILL');
    await worker.exited;
    await stopTemporal();
    await startTemporalAgain();
    await stack.startWorker();

    const done = await waitForRun(journey.id, (r) => r.stage !== 'RUNNING', 'to end', 180_000);

    const accepted = items
      .map((i) => i.email as string)
      .filter((email) => !rejected.has(email))
      .sort();
    const sentBy = (stepId: string) => {
      const ids = new Set(stepOf(done, stepId).sendouts.map((s: { id: string }) => s.id));
      return esp.requests.filter((r) => ids.has(r.key.split(':')[0]));
    };
    expect(done.stage).toBe('COMPLETED');
    expect(stepOf(done, 'first').paths).toEqual({ accepted: accepted.length, rejected: rejected.size, timedOut: 0, excluded: 0 });
    for (const stepId of ['first', 'second']) {
      const requests = sentBy(stepId);
      expect(requests.map((r) => JSON.parse(r.body).to).sort()).toEqual(accepted);
      expect(new Set(requests.map((r) => r.key)).size).toBe(requests.length); // nothing sent twice
    }
  });
});
