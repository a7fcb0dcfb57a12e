import { EspReceiver, answerAfter } from '../esp-receiver';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, seedSendout, waitForStage, startSendingStack } from '../scenario';
import { waitFor } from '../wait';

const CONTACTS = 2_000;
/** Slow enough that the sendout is still sending when the worker is stopped. */
const SLOW_WORKER = { SENDOUT_SEND_CONCURRENCY: '8', SENDOUT_SEND_WINDOW: '2', SENDOUT_SEND_PAGE_SIZE: '100' };

describe('when the worker dies in the middle of sending', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let esp: EspReceiver;

  beforeAll(async () => {
    ({ stack, esp } = sending = await startSendingStack({ env: SLOW_WORKER, worker: false }));
    esp.respond = answerAfter(25);
  });

  afterAll(async () => {
    await sending?.stop();
  });

  async function startSendout(): Promise<string> {
    const seed = await seedSendout(stack, { contacts: CONTACTS, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'crash test',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'Hi {{ contact.firstName }}' },
      }),
      202,
    );
    return sendout.id;
  }

  it('after SIGKILL a new worker completes the sendout: nothing lost, no key sent twice as another message', async () => {
    esp.requests.length = 0;
    esp.acceptedKeys.clear();
    const first = await stack.startWorker();
    const sendoutId = await startSendout();
    await waitFor('the first sends', 60_000, () => esp.acceptedKeys.size >= 300);

    first.kill('SIGKILL');
    await first.exited;
    const sentBeforeCrash = esp.acceptedKeys.size;
    expect(sentBeforeCrash).toBeLessThan(CONTACTS);

    await stack.startWorker();
    const done = await waitForStage(stack, sendoutId, 'COMPLETED', 180_000);

    expect(done.counts.SENT).toBe(CONTACTS);
    expect(done.total).toBe(CONTACTS);
    expect(esp.acceptedKeys.size).toBe(CONTACTS);
    const keys = esp.requests.map((r) => r.key);
    expect(new Set(keys).size).toBe(CONTACTS);
    expect(keys.every((k) => k.startsWith(`${sendoutId}:`))).toBe(true);
  });

  it('on SIGTERM the worker drains its in-flight pages, exits cleanly, and the next worker finishes', async () => {
    esp.requests.length = 0;
    esp.acceptedKeys.clear();
    const first = await stack.startWorker();
    const sendoutId = await startSendout();
    await waitFor('the first sends', 60_000, () => esp.acceptedKeys.size >= 300);

    first.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    await stack.startWorker();
    const done = await waitForStage(stack, sendoutId, 'COMPLETED', 180_000);
    expect(done.counts.SENT).toBe(CONTACTS);
    expect(new Set(esp.requests.map((r) => r.key)).size).toBe(CONTACTS);
  });

  it("when SIGTERM's grace period ends mid-page, the interrupted page is neither lost nor cancelled", async () => {
    esp.requests.length = 0;
    esp.acceptedKeys.clear();
    const slowAnswers = esp.respond;
    esp.respond = async () => {
      await new Promise((r) => setTimeout(r, 150)); // a page of 100 at 8 in flight takes ~2 s
      return { status: 200 };
    };
    try {
      const first = await stack.startWorker({ WORKER_SHUTDOWN_GRACE_MS: '300' });
      const sendoutId = await startSendout();
      await waitFor('the first sends', 60_000, () => esp.acceptedKeys.size >= 50);
      first.kill('SIGTERM');
      await first.exited;

      await stack.startWorker();
      const done = await waitForStage(stack, sendoutId, 'COMPLETED', 180_000);
      expect(done.counts.CANCELED).toBe(0);
      expect(done.counts.SENT).toBe(CONTACTS);
      expect(new Set(esp.requests.map((r) => r.key)).size).toBe(CONTACTS);
    } finally {
      esp.respond = slowAnswers;
    }
  });
});
