import { EspReceiver } from '../esp-receiver';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, seedSendout, waitForStage, startSendingStack } from '../scenario';

describe('a sendout on the embedded SQLite database', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let esp: EspReceiver;

  beforeAll(async () => {
    ({ stack, esp } = sending = await startSendingStack({ database: 'sqlite' }));
  });

  afterAll(async () => {
    await sending?.stop();
  });

  it('generates and sends every message once', async () => {
    const seed = await seedSendout(stack, { contacts: 500, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'sqlite sendout',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'Hello {{ contact.firstName }}', text: 'Score {{ contact.score }}' },
      }),
      202,
    );

    const done = await waitForStage(stack, sendout.id, 'COMPLETED');

    expect(done.counts.SENT).toBe(500);
    expect(new Set(esp.requests.map((r) => r.key)).size).toBe(500);
  });

  it('sends to a list of contact ids, skipping unknown ones', async () => {
    const seed = await seedSendout(stack, { contacts: 5, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'listed',
        integrationId: seed.integrationId,
        contactIds: [`${seed.tag}-1`, `${seed.tag}-3`, `${seed.tag}-3`, 'nobody'],
        content: { subject: 'Hi' },
      }),
      202,
    );

    const done = await waitForStage(stack, sendout.id, 'COMPLETED');

    expect(done.counts.SENT).toBe(2);
    expect(done.total).toBe(2);
  });
});
