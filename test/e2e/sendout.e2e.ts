import { EspReceiver } from '../esp-receiver';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, seedSendout, waitForStage, startSendingStack } from '../scenario';

describe('a sendout of 1,000 contacts on MariaDB', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let esp: EspReceiver;

  beforeAll(async () => {
    ({ stack, esp } = sending = await startSendingStack());
  });

  afterAll(async () => {
    await sending?.stop();
  });

  it('sends every message exactly once and reports 1,000 SENT', async () => {
    const seed = await seedSendout(stack, { contacts: 1_000, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'first sendout',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'Hello {{ contact.firstName }}', html: '<p>Hi {{ contact.firstName }}</p>' },
      }),
      202,
    );
    expect(sendout.workflowId).toBe(`sendout-${sendout.id}`);

    const done = await waitForStage(stack, sendout.id, 'COMPLETED');

    expect(done.counts.SENT).toBe(1_000);
    expect(done.total).toBe(1_000);
    expect(esp.acceptedKeys.size).toBe(1_000);
    expect(new Set(esp.requests.map((r) => r.key)).size).toBe(1_000);
    const sample = JSON.parse(esp.requests[0].body);
    expect(sample.subject).toMatch(/^Hello User\d+$/);
    expect(sample.key).toBe(esp.requests[0].key);
  });

  it('answers the progress query and carries search attributes for the Web UI', async () => {
    const seed = await seedSendout(stack, { contacts: 20, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'searchable',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'Hi' },
      }),
      202,
    );
    await waitForStage(stack, sendout.id, 'COMPLETED');

    const temporal = await stack.temporalClient();
    try {
      const handle = temporal.client.workflow.getHandle(sendout.workflowId);
      const progress = await handle.query('progress');
      expect(progress).toMatchObject({ stage: 'COMPLETED', generated: 20, sent: 20, failed: 0 });
      const description = await handle.describe();
      expect(description.typedSearchAttributes.get({ name: 'SendoutStage', type: 'KEYWORD' } as any)).toBe('COMPLETED');
      expect(description.typedSearchAttributes.get({ name: 'ProjectName', type: 'KEYWORD' } as any)).toBe(`project ${seed.tag}`);
    } finally {
      await temporal.close();
    }
  });
});
