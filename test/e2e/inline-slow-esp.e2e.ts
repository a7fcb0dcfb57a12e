/**
 * Inline sendouts post from local activities, which hold their workflow task while they post (and
 * while they retry). A burst of them to an ESP that holds every request must not hold up the
 * worker's other sendouts: on the deployment's one task queue it held every workflow task slot of
 * the worker, and a bulk sendout started meanwhile stayed CREATED until the ESP answered.
 */
import { EspReceiver } from '../esp-receiver';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, seedSendout, startSendingStack, startSendout, waitForStage } from '../scenario';
import { waitFor } from '../wait';

const BURST = 60;

describe('a burst of inline sendouts to an ESP that holds every request until the test lets go', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let held: EspReceiver;
  let release: () => void = () => undefined;

  beforeAll(async () => {
    ({ stack, esp } = sending = await startSendingStack());
    held = await new EspReceiver().start();
    const released = new Promise<void>((resolve) => (release = resolve));
    held.respond = async () => {
      await released;
      return { status: 200 };
    };
  });

  afterAll(async () => {
    release();
    await held?.stop();
    await sending?.stop();
  });

  it('leaves the other sendouts of the worker free to run', async () => {
    const seed = await seedSendout(stack, { contacts: BURST, espUrl: held.url });
    const inline = [];
    for (let i = 0; i < BURST; i++) {
      inline.push(
        await expectStatus(
          stack.request('POST', '/v1/sendouts', {
            projectId: seed.projectId,
            name: `inline ${i}`,
            contactIds: [`${seed.tag}-${i}`],
            integrationId: seed.integrationId,
            content: { subject: 'Hi' },
          }),
          202,
        ),
      );
    }
    // the burst is posting (as many pages as the worker's workflow task slots allow), and nothing answers
    await waitFor('the inline pages to post', 60_000, () => held.requests.length >= 30);

    const regular = await startSendout(sending, 'regular', 300);
    const done = await waitForStage(stack, regular.id, 'COMPLETED', 90_000);
    expect(done.counts.SENT).toBe(300);
    expect(esp.acceptedKeys.size).toBe(300);

    // Once the ESP answers, the burst completes too, each message under its own key. (A request
    // held past the outbound timeout is posted again under the same key: the ESP's to deduplicate.)
    release();
    for (const sendout of inline) expect((await waitForStage(stack, sendout.id, 'COMPLETED')).counts.SENT).toBe(1);
    expect(held.acceptedKeys.size).toBe(BURST);
    expect(new Set(held.requests.map((r) => r.key)).size).toBe(BURST);
  });
});
