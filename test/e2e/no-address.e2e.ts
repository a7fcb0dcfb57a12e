/**
 * No address, no send: an SMS sendout to a segment where a third of the contacts have no phone.
 * Those end EXCLUDED with the reason, the ESP never sees them, the gate's integrator is never
 * offered them, their exclude feedback events say why, and the counts add up to the segment.
 */
import { randomUUID } from 'node:crypto';
import { EspReceiver } from '../esp-receiver';
import { FeedbackReceiver } from '../feedback-receiver';
import { createFeedbackWebhook } from '../feedback-scenario';
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack } from '../harness';
import { expectStatus, waitForStage } from '../scenario';
import { waitFor } from '../wait';

const CONTACTS = 30;

describe('a sendout to contacts without the address its integration needs', () => {
  let gated: GatedStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let integrator: EspReceiver;
  let receiver: FeedbackReceiver;
  let webhookId: string;

  beforeAll(async () => {
    gated = await startGatedStack({ env: { SENDGATE_FEEDBACK_POLL_IDLE_MS: '200' } });
    ({ stack, esp, integrator } = gated);
    receiver = await new FeedbackReceiver(`hs256-secret-${randomUUID()}`).start();
    webhookId = await createFeedbackWebhook(stack, receiver, ['sms']);
  });

  afterAll(async () => {
    await gated?.stop();
    await receiver?.stop();
  });

  /**
   * 30 contacts of a new segment: every third has no phone (half of those have only an email, the
   * other half an empty phone, as an import sends it). An active SMS integration to the loopback ESP.
   */
  async function seed() {
    const tag = randomUUID().slice(0, 8);
    const project = await expectStatus(stack.request('POST', '/v1/projects', { name: `project ${tag}` }), 201);
    const contacts = Array.from({ length: CONTACTS }, (_, i) => ({
      externalId: `${tag}-${i}`,
      email: `user${i}@example.com`,
      ...(i % 3 !== 0 ? { phone: `+4477009${String(i).padStart(5, '0')}` } : i % 2 === 0 ? {} : { phone: '' }),
      attributes: { cohort: tag },
    }));
    await expectStatus(stack.request('POST', '/v1/contacts/batch', { contacts }), 200);
    const segment = await expectStatus(
      stack.request('POST', '/v1/segments', { name: `cohort ${tag}`, filter: { all: [{ attribute: 'cohort', op: 'eq', value: tag }] } }),
      201,
    );
    const integration = await expectStatus(
      stack.request('POST', '/v1/integrations', {
        name: `sms ${tag}`,
        channel: 'sms',
        url: esp.url,
        identifierType: 'phone',
        payloadTemplate: '{"to":"${userIdentifier}","text":"${text}"}',
      }),
      201,
    );
    await expectStatus(stack.request('POST', `/v1/integrations/${integration.id}/activate`), 200);
    const withPhone = contacts.filter((c) => c.phone);
    return {
      projectId: project.id as string,
      segmentId: segment.id as string,
      integrationId: integration.id as string,
      phones: withPhone.map((c) => c.phone).sort(),
      withPhone: withPhone.map((c) => c.externalId).sort(),
      withoutPhone: contacts
        .filter((c) => !c.phone)
        .map((c) => c.externalId)
        .sort(),
    };
  }

  /** What the ESP received for a sendout, as parsed bodies. */
  function sentBodies(sendoutId: string): Array<Record<string, unknown>> {
    return esp.requests.filter((r) => r.key.startsWith(`${sendoutId}:`)).map((r) => JSON.parse(r.body));
  }

  async function excludedPath(sendoutId: string) {
    return (await expectStatus(stack.request('GET', `/v1/sendouts/${sendoutId}/messages?path=excluded`), 200)).items as Array<{
      messageId: number;
      externalId: string;
      reason: string;
    }>;
  }

  it('sends only to the contacts with a phone; the others end EXCLUDED with the reason, and the counts add up', async () => {
    const data = await seed();
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: data.projectId,
        name: 'sms without a gate',
        segmentId: data.segmentId,
        integrationId: data.integrationId,
        content: { text: 'Hi' },
      }),
      202,
    );

    const done = await waitForStage(stack, sendout.id, 'COMPLETED');
    expect(done.counts).toMatchObject({ SENT: 20, EXCLUDED: 10, FAILED: 0, ACCEPTED: 0 });
    expect(done.total).toBe(CONTACTS);

    const bodies = sentBodies(sendout.id);
    expect(bodies).toHaveLength(20);
    expect(bodies.every((b) => b.text === 'Hi')).toBe(true);
    expect(bodies.map((b) => b.to).sort()).toEqual(data.phones);

    const excluded = await excludedPath(sendout.id);
    expect(excluded.map((m) => m.externalId).sort()).toEqual(data.withoutPhone);
    expect(new Set(excluded.map((m) => m.reason))).toEqual(new Set(['no phone number']));
  });

  it('behind a gate offers only the contacts with a phone, and reports the others as exclude events with the reason', async () => {
    const data = await seed();
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: data.projectId,
        name: 'sms behind a gate',
        segmentId: data.segmentId,
        integrationId: data.integrationId,
        content: { text: 'Hi' },
        gate: { enabled: true, timeout: '2m', split: true },
        feedback: { webhookIds: [webhookId] },
      }),
      202,
    );

    const hook = await webhookFor(integrator, sendout.id);
    expect(hook.itemCount).toBe(20);
    const items = (await (await fetch(hook.itemDownloadUri)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(items.map((item) => item.id).sort()).toEqual(data.withPhone);
    const gatedView = await expectStatus(stack.request('GET', `/v1/sendouts/${sendout.id}`), 200);
    expect(gatedView.counts).toMatchObject({ GATED: 20, EXCLUDED: 10 });

    const accepted = await fetch(hook.finishUri, { method: 'POST' });
    expect(await accepted.json()).toEqual({ state: 'ACCEPTED', accepted: 20, rejected: 0 });

    const done = await waitForStage(stack, sendout.id, 'COMPLETED');
    expect(done.counts).toMatchObject({ SENT: 20, EXCLUDED: 10, GATED: 0 });
    expect(done.total).toBe(CONTACTS);
    expect(done.paths).toEqual({ accepted: 20, rejected: 0, timedOut: 0, excluded: 10 });
    expect(
      sentBodies(sendout.id)
        .map((b) => b.to)
        .sort(),
    ).toEqual(data.phones);

    const excluded = await excludedPath(sendout.id);
    let events: any[] = [];
    await waitFor('the feedback events of every message', 45_000, () => {
      // one per requestId: a redelivery carries the same one
      const byRequest = new Map(
        receiver.accepted.filter((e) => e.body.messageExecution.campaignID === sendout.id).map((e) => [e.requestId, e.body]),
      );
      events = [...byRequest.values()];
      return events.length >= CONTACTS;
    });
    const excludes = events.filter((e) => e.messageDeliveryFeedback.feedbackStatus.value === 'exclude');
    expect(excludes.map((e) => e.messageExecution.messageExecutionID).sort()).toEqual(excluded.map((m) => String(m.messageId)).sort());
    for (const event of excludes) {
      expect(event).toMatchObject({ channel: 'sms', messageDeliveryFeedback: { messageExclusion: { reason: 'no phone number' } } });
    }
    expect(events.filter((e) => e.messageDeliveryFeedback.feedbackStatus.value === 'sent')).toHaveLength(20);
  });

  it('behind a gate, completes a batch in which everyone is excluded without offering it to the integrator', async () => {
    const data = await seed();
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: data.projectId,
        name: 'sms to no one',
        contactIds: data.withoutPhone,
        integrationId: data.integrationId,
        content: { text: 'Hi' },
        gate: { enabled: true, timeout: '2m' },
        feedback: { webhookIds: [webhookId] },
      }),
      202,
    );

    const done = await waitForStage(stack, sendout.id, 'COMPLETED');
    expect(done.counts).toMatchObject({ EXCLUDED: data.withoutPhone.length, SENT: 0, GATED: 0 });
    expect(integrator.requests.filter((r) => r.body.includes(sendout.id))).toEqual([]);
    expect(sentBodies(sendout.id)).toEqual([]);
    await waitFor('the exclude events', 45_000, () => receiver.accepted.some((e) => e.body.messageExecution.campaignID === sendout.id));
  });
});
