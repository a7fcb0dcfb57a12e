/**
 * Suppression lists filled as a sender would see them fill, through the sandbox ESP: a sendout whose
 * `bounce@` recipient hard-bounces and whose `complaint@` recipient reports spam, and in which one
 * recipient follows the one-click unsubscribe link. The next marketing sendout to the same segment
 * excludes all three with the suppression's reason; a transactional send through the email API
 * still reaches the unsubscribed recipient when it opts out of unsubscribes, never the bounced one.
 */
import { randomUUID } from 'node:crypto';
import { sendEmail, setEmailDefaults } from '../email-scenario';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, sandboxIntegration, startSendingStack, waitForStage } from '../scenario';
import { waitFor } from '../wait';

const BOUNCE = 'bounce@simulator.sendgate.test';
const COMPLAINT = 'complaint@simulator.sendgate.test';

describe('suppression lists, filled by bounces, complaints and an unsubscribe link', () => {
  let sending: SendingStack;
  let stack: TestStack;

  beforeAll(async () => {
    ({ stack } = sending = await startSendingStack({
      env: {
        SENDGATE_SANDBOX_CALLBACK_DELAY_MS: '200',
        SENDGATE_SANDBOX_CALLBACK_POLL_MS: '200',
      },
    }));
  });

  afterAll(async () => {
    await sending?.stop();
  });

  const payloadTemplate = JSON.stringify({
    to: '${email}',
    subject: '${subject}',
    html: '${html}',
    headers: { 'List-Unsubscribe': '${listUnsubscribe}', 'List-Unsubscribe-Post': '${listUnsubscribePost}' },
  });

  /** The payload the sandbox ESP kept for the message sent to `to` by `sendoutId`. */
  async function sandboxPayload(sendoutId: string, to: string): Promise<any> {
    const { messages } = await expectStatus(stack.request('GET', '/sandbox/esp/messages?limit=100'), 200);
    const message = messages.find((m: any) => m.to === to && m.idempotencyKey.startsWith(`${sendoutId}:`));
    if (!message) throw new Error(`the sandbox kept no message to ${to} of ${sendoutId}`);
    return message.payload;
  }

  /** Messages the ESP took: SENT, or DELIVERED once the sandbox's callback came. */
  const reached = (counts: Record<string, number>) => (counts.SENT ?? 0) + (counts.DELIVERED ?? 0);

  async function excluded(sendoutId: string): Promise<Record<string, string>> {
    const { items } = await expectStatus(stack.request('GET', `/v1/sendouts/${sendoutId}/messages?path=excluded`), 200);
    return Object.fromEntries(items.map((m: { email: string; reason: string }) => [m.email, m.reason]));
  }

  it('excludes them from the next marketing sendout, not from a transactional send that opts out of unsubscribes', async () => {
    const tag = randomUUID().slice(0, 8);
    const grace = `grace-${tag}@example.com`;
    const ada = `ada-${tag}@example.com`;
    const project = await expectStatus(stack.request('POST', '/v1/projects', { name: `suppression ${tag}` }), 201);
    const contacts = [ada, grace, BOUNCE, COMPLAINT].map((email, i) => ({ externalId: `${tag}-${i}`, email, attributes: { cohort: tag } }));
    await expectStatus(stack.request('POST', '/v1/contacts/batch', { contacts }), 200);
    const segment = await expectStatus(
      stack.request('POST', '/v1/segments', { name: tag, filter: { all: [{ attribute: 'cohort', op: 'eq', value: tag }] } }),
      201,
    );
    const integrationId = await sandboxIntegration(stack, { payloadTemplate });
    const newsletter = (name: string) =>
      expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: project.id,
          name,
          segmentId: segment.id,
          integrationId,
          content: { subject: 'News', html: '<p>News</p><a href="{{ unsubscribe_url }}">unsubscribe</a>' },
        }),
        202,
      );

    // 1. The first sendout reaches everyone; the sandbox's callbacks report the bounce and the complaint.
    const first = await newsletter('first');
    await waitForStage(stack, first.id, 'COMPLETED');
    expect((await expectStatus(stack.request('GET', `/v1/sendouts/${first.id}`), 200)).counts).toMatchObject({ EXCLUDED: 0 });
    await waitFor('the bounce and the complaint to be suppressed', 60_000, async () => {
      const { status } = await stack.request('GET', `/v1/suppressions/email/${encodeURIComponent(COMPLAINT)}`);
      return status === 200;
    });
    expect(await expectStatus(stack.request('GET', `/v1/suppressions/email/${encodeURIComponent(BOUNCE)}`), 200)).toMatchObject({
      reason: 'hard_bounce',
    });
    expect(await expectStatus(stack.request('GET', `/v1/suppressions/email/${encodeURIComponent(COMPLAINT)}`), 200)).toMatchObject({
      reason: 'complaint',
    });
    expect((await stack.request('GET', `/v1/suppressions/email/${encodeURIComponent(ada)}`)).status).toBe(404);

    // 2. Grace follows the one-click link her message carried, in its body and in List-Unsubscribe.
    const payload = await sandboxPayload(first.id, grace);
    const link = /href="([^"]+)"/.exec(payload.html)?.[1];
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/u\//);
    expect(payload.headers).toEqual({ 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    const oneClick = await fetch(link!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await expectStatus(stack.request('GET', `/v1/suppressions/email/${encodeURIComponent(grace)}`), 200)).toMatchObject({
      reason: 'unsubscribed',
    });

    // 3. The next newsletter excludes all three, each with its reason; only Ada is sent to.
    const second = await newsletter('second');
    const done = await waitForStage(stack, second.id, 'COMPLETED');
    expect(done.counts).toMatchObject({ EXCLUDED: 3 });
    expect(reached(done.counts)).toBe(1);
    expect(await excluded(second.id)).toEqual({
      [grace]: 'suppressed: unsubscribed',
      [BOUNCE]: 'suppressed: hard_bounce',
      [COMPLAINT]: 'suppressed: complaint',
    });

    // 4. A transactional send opting out of unsubscribes reaches Grace, never the bounced address.
    await setEmailDefaults(stack, { integrationId });
    const receipt = await sendEmail(stack, {
      to: [grace, BOUNCE],
      fields: { subject: 'Your password reset', text: 'Reset it here', ignoreUnsubscribes: 'true' },
    });
    const transactional = await waitForStage(stack, receipt.sendoutId, 'COMPLETED');
    expect(transactional.counts).toMatchObject({ EXCLUDED: 1 });
    expect(reached(transactional.counts)).toBe(1);
    expect(await excluded(receipt.sendoutId)).toEqual({ [BOUNCE]: 'suppressed: hard_bounce' });

    // …and without opting out, the unsubscribed stays excluded there too.
    const honouring = await sendEmail(stack, { to: [grace], fields: { subject: 'Weekly tips', text: 'Tips' } });
    expect((await waitForStage(stack, honouring.sendoutId, 'COMPLETED')).counts).toMatchObject({ EXCLUDED: 1 });
  });
});
