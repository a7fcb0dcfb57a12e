/**
 * How suppression lists fill themselves: a sendout through the sandbox ESP whose html carries
 * `{{ unsubscribe_url }}` and whose payload maps the List-Unsubscribe headers; the link, opened or
 * one-click POSTed, lists the reader as `unsubscribed`; the simulator's bounce address comes back
 * through the sandbox's delivery callback and is listed as `hard_bounce`.
 */
import { randomUUID } from 'node:crypto';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, sandboxIntegration, startSendingStack, waitForStage } from '../scenario';
import { waitFor } from '../wait';

const PAYLOAD =
  '{"to":"${email}","subject":"${subject}","html":"${html}",' +
  '"headers":{"List-Unsubscribe":"${listUnsubscribe}","List-Unsubscribe-Post":"${listUnsubscribePost}"}}';

describe('suppression lists filled by unsubscribe links and bounces', () => {
  let sending: SendingStack;
  let stack: TestStack;

  beforeAll(async () => {
    ({ stack } = sending = await startSendingStack({
      env: { SENDGATE_SANDBOX_CALLBACK_DELAY_MS: '200', SENDGATE_SANDBOX_CALLBACK_POLL_MS: '200' },
    }));
  });

  afterAll(async () => {
    await sending?.stop();
  });

  const suppressed = (address: string): Promise<Array<{ reason: string; source: string }>> =>
    stack.dataSource.query('SELECT reason, source FROM suppressions WHERE account_id = ? AND channel = ? AND address = ?', [
      stack.accountId,
      'email',
      address,
    ]);

  it('lists the reader who follows the link as unsubscribed, once, and the bounced address as hard_bounce', async () => {
    const tag = randomUUID().slice(0, 8);
    const reader = `reader-${tag}@example.com`;
    const bounced = `bounce+${tag}@simulator.sendgate.test`;
    const project = await expectStatus(stack.request('POST', '/v1/projects', { name: `unsubscribe ${tag}` }), 201);
    const contacts = [reader, bounced].map((email, i) => ({ externalId: `${tag}-${i}`, email, attributes: { cohort: tag } }));
    await expectStatus(stack.request('POST', '/v1/contacts/batch', { contacts }), 200);
    const segment = await expectStatus(
      stack.request('POST', '/v1/segments', { name: tag, filter: { all: [{ attribute: 'cohort', op: 'eq', value: tag }] } }),
      201,
    );
    const integrationId = await sandboxIntegration(stack, { payloadTemplate: PAYLOAD });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: project.id,
        name: 'newsletter',
        segmentId: segment.id,
        integrationId,
        content: { subject: 'News', html: '<p>News</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>' },
      }),
      202,
    );
    await waitForStage(stack, sendout.id, 'COMPLETED');

    // The payload the ESP received: the link in the html and the header values beside it.
    const sent = await expectStatus(stack.request('GET', '/sandbox/esp/messages?limit=10'), 200);
    const payload = sent.messages.find((m: any) => m.to === reader).payload;
    const link = /href="([^"]+)"/.exec(payload.html)![1];
    expect(link).toMatch(new RegExp(`^${stack.baseUrl}/u/[\\w-]+\\.[\\w-]+$`));
    expect(payload.headers).toEqual({ 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect(await suppressed(reader)).toEqual([]);

    const opened = await fetch(link);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toMatch(/^text\/html/);
    expect(opened.headers.get('cache-control')).toBe('no-store');
    expect(await opened.text()).toContain('You have been unsubscribed');
    expect(await suppressed(reader)).toEqual([{ reason: 'unsubscribed', source: `unsubscribe link, sendout ${sendout.id}` }]);

    const oneClick = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await suppressed(reader)).toHaveLength(1);

    const token = link.slice(link.lastIndexOf('/') + 1);
    const tampered = `${stack.baseUrl}/u/${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect((await fetch(tampered)).status).toBe(404);
    expect((await fetch(`${stack.baseUrl}/u/${'x'.repeat(600)}`, { method: 'POST' })).status).toBe(404);
    // a form body anywhere else is still refused
    const elsewhere = await fetch(`${stack.baseUrl}/v1/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=x',
    });
    expect(elsewhere.status).toBe(415);

    await waitFor('the bounce to be suppressed', 60_000, async () => (await suppressed(bounced)).length > 0);
    const [message] = await stack.dataSource.query(
      'SELECT m.id FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.sendout_id = ? AND c.email = ?',
      [sendout.id, bounced],
    );
    expect(await suppressed(bounced)).toEqual([{ reason: 'hard_bounce', source: `bounce of message ${message.id}` }]);
  });
});
