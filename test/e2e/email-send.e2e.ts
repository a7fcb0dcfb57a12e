/**
 * POST /email/3/send end to end: multipart requests as curl -F builds them, through the sandbox ESP
 * and its delivery callbacks, with the request's files reaching the ESP byte for byte.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EmailPart, apiKeyId, postEmail, sendoutOfBulk } from '../email-scenario';
import { EspReceiver } from '../esp-receiver';
import { webhookFor } from '../gate-scenario';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, sandboxIntegration, startSendingStack, waitForStage } from '../scenario';
import { waitFor } from '../wait';

const MAX_ATTACHMENT_BYTES = 64 * 1024;
const SIMULATOR = 'simulator.sendgate.test';
const PAYLOAD_TEMPLATE = JSON.stringify({
  to: '${email}',
  from: '${from}',
  subject: '${subject}',
  html: '${html}',
  text: '${text}',
  bulkId: '${bulkId}',
  messageId: '${emailMessageId}',
  attachments: '${attachments}',
});

type Part = EmailPart;

describe('POST /email/3/send', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let projectId: string;
  let integrationId: string;

  beforeAll(async () => {
    ({ stack } = sending = await startSendingStack({
      env: {
        SENDGATE_EMAIL_MAX_ATTACHMENT_BYTES: String(MAX_ATTACHMENT_BYTES),
        SENDGATE_SANDBOX_CALLBACK_DELAY_MS: '200',
        SENDGATE_SANDBOX_CALLBACK_POLL_MS: '200',
      },
    }));
    const tag = randomUUID().slice(0, 8);
    projectId = (await expectStatus(stack.request('POST', '/v1/projects', { name: `email ${tag}` }), 201)).id;
    integrationId = await sandboxIntegration(stack, { payloadTemplate: PAYLOAD_TEMPLATE });
    // The project names the integration; the key names the project.
    await expectStatus(stack.request('PUT', `/v1/projects/${projectId}/email-defaults`, { integrationId }), 200);
    await expectStatus(stack.request('PUT', `/v1/api-keys/${await keyId(stack.apiKey)}/email-defaults`, { projectId }), 200);
  });

  afterAll(async () => {
    await sending?.stop();
  });

  const keyId = (key: string) => apiKeyId(stack, key);
  const send = (parts: Part[], authorization?: string | null) => postEmail(stack, parts, authorization);

  const recipient = () => `r-${randomUUID().slice(0, 8)}@${SIMULATOR}`;
  const basics = (...to: string[]): Part[] => [
    ['from', 'Jane Doe <jane@example.com>'],
    ...to.map((address): Part => ['to', address]),
    ['subject', 'Hello'],
    ['html', '<p>Hello</p>'],
  ];

  const sendoutOf = (bulkId: string) => sendoutOfBulk(stack, bulkId);

  /** What the sandbox ESP received for these recipients, by address. */
  async function received(addresses: string[]): Promise<Record<string, any>> {
    const { messages } = await expectStatus(stack.request('GET', '/sandbox/esp/messages?limit=100'), 200);
    return Object.fromEntries(
      messages.filter((m: { to: string }) => addresses.includes(m.to)).map((m: { to: string; payload: unknown }) => [m.to, m.payload]),
    );
  }

  describe('when two recipients get an html email with two attachments (curl -F … -F attachment=@a.pdf -F attachment=@b.png)', () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3_000)]);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2_000)]);
    const [a, b] = [recipient(), recipient()];
    let answer: any;

    beforeAll(async () => {
      const response = await send([
        ...basics(a, b),
        ['attachment', { filename: 'a.pdf', type: 'application/pdf', bytes: pdf }],
        ['attachment', { filename: 'b.png', type: 'image/png', bytes: png }],
      ]);
      expect(response.status).toBe(200);
      answer = response.body;
    });

    it('accepts two messages, PENDING_ACCEPTED, under one bulk', () => {
      expect(answer.bulkId).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect(answer.messages).toEqual([
        { to: a, messageId: expect.stringMatching(/^[A-Za-z0-9_-]{20}$/), status: expect.objectContaining({ name: 'PENDING_ACCEPTED' }) },
        { to: b, messageId: expect.stringMatching(/^[A-Za-z0-9_-]{20}$/), status: expect.objectContaining({ name: 'PENDING_ACCEPTED' }) },
      ]);
      expect(answer.messages[0].status).toEqual({
        groupId: 1,
        groupName: 'PENDING',
        id: 26,
        name: 'PENDING_ACCEPTED',
        description: 'Message accepted, pending for delivery.',
      });
    });

    it('delivers both through the sandbox ESP', async () => {
      const sendoutId = await sendoutOf(answer.bulkId);
      await waitForStage(stack, sendoutId, 'COMPLETED');
      await waitFor('both messages DELIVERED', 60_000, async () => {
        const { counts } = await expectStatus(stack.request('GET', `/v1/sendouts/${sendoutId}`), 200);
        return counts.DELIVERED === 2;
      });
    });

    it('gives the ESP both files byte for byte, with their names and types, and the envelope', async () => {
      const payloads = await received([a, b]);
      expect(Object.keys(payloads).sort()).toEqual([a, b].sort());
      for (const [address, payload] of Object.entries(payloads)) {
        expect(payload).toMatchObject({ to: address, from: 'Jane Doe <jane@example.com>', subject: 'Hello', bulkId: answer.bulkId });
        expect(payload.messageId).toBe(answer.messages.find((m: { to: string }) => m.to === address).messageId);
        expect(payload.attachments.map((f: any) => [f.name, f.contentType, f.disposition])).toEqual([
          ['a.pdf', 'application/pdf', 'attachment'],
          ['b.png', 'image/png', 'attachment'],
        ]);
        expect(Buffer.from(payload.attachments[0].content, 'base64').equals(pdf)).toBe(true);
        expect(Buffer.from(payload.attachments[1].content, 'base64').equals(png)).toBe(true);
      }
    });
  });

  describe('when recipients carry placeholders (to[0], to[1] as JSON) over defaultPlaceholders', () => {
    it('renders each recipient its own subject and html', async () => {
      const [a, b] = [recipient(), recipient()];
      const { status, body } = await send([
        ['from', 'jane@example.com'],
        ["to['0']", JSON.stringify({ to: a, placeholders: { name: 'Ann' } })],
        ["to['1']", JSON.stringify({ to: b, placeholders: { name: 'Bob', company: 'Initech' } })],
        ['subject', 'Hi {{name}}'],
        ['text', 'ignored: html is given'],
        ['html', '<p>{{name}} of {{company}}</p>'],
        ['defaultPlaceholders', JSON.stringify({ company: 'ACME' })],
        ['notifyUrl', 'http://127.0.0.1:9/reports'],
        ['callbackData', 'order-42'],
        ['track', 'false'],
      ]);
      expect(status).toBe(200);
      const sendoutId = await sendoutOf(body.bulkId);
      await waitForStage(stack, sendoutId, 'COMPLETED');

      // What reports, logs and the notifyUrl push read later.
      const [bulk] = await stack.dataSource.query(
        'SELECT from_address, envelope, callback_data, notify_url FROM email_bulks WHERE sendout_id = ?',
        [sendoutId],
      );
      expect(bulk).toMatchObject({ from_address: 'jane@example.com', callback_data: 'order-42', notify_url: 'http://127.0.0.1:9/reports' });
      expect(JSON.parse(bulk.envelope)).toEqual({
        from: 'jane@example.com',
        defaultPlaceholders: { company: 'ACME' },
        flags: { track: false },
      });
      const [sendout] = await stack.dataSource.query('SELECT kind, feedback_enabled FROM sendouts WHERE id = ?', [sendoutId]);
      expect(sendout).toMatchObject({ kind: 'single' });
      expect(Boolean(sendout.feedback_enabled)).toBe(true); // notifyUrl: reports are pushed
      const recipients = await stack.dataSource.query(
        'SELECT message_id, to_address, placeholders FROM email_messages WHERE sendout_id = ? ORDER BY id',
        [sendoutId],
      );
      expect(recipients.map((r: any) => [r.message_id, r.to_address, JSON.parse(r.placeholders)])).toEqual([
        [body.messages[0].messageId, a, { name: 'Ann' }],
        [body.messages[1].messageId, b, { name: 'Bob', company: 'Initech' }],
      ]);
      const payloads = await received([a, b]);
      expect(payloads[a]).toMatchObject({ subject: 'Hi Ann', html: '<p>Ann of ACME</p>', text: null, attachments: [] });
      expect(payloads[b]).toMatchObject({ subject: 'Hi Bob', html: '<p>Bob of Initech</p>' });
    });
  });

  describe("when the project's email defaults hold a gate", () => {
    it('lists each recipient with a rejectUri; a rejected one is not sent, the other is', async () => {
      const integrator = await new EspReceiver().start();
      try {
        await expectStatus(stack.request('PUT', '/v1/send-gate/endpoint', { transport: 'http', url: integrator.url }), 200);
        const gated = await expectStatus(stack.request('POST', '/v1/projects', { name: `gated ${randomUUID().slice(0, 8)}` }), 201);
        await expectStatus(
          stack.request('PUT', `/v1/projects/${gated.id}/email-defaults`, { integrationId, gate: { enabled: true, timeout: '10m' } }),
          200,
        );
        const key = await expectStatus(stack.request('POST', '/v1/api-keys', { name: `gated ${randomUUID()}` }), 201);
        await expectStatus(stack.request('PUT', `/v1/api-keys/${key.id}/email-defaults`, { projectId: gated.id }), 200);

        const [kept, rejected] = [recipient(), recipient()];
        const { status, body } = await send(basics(kept, rejected), `App ${key.key}`);
        expect(status).toBe(200);
        const sendoutId = await sendoutOf(body.bulkId);
        const hook = await webhookFor(integrator, sendoutId);
        expect(hook.items.map((i: { id: string }) => i.id).sort()).toEqual([kept, rejected].sort());
        const post = (url: string) => fetch(url, { method: 'POST' });
        expect((await post(hook.items.find((i: { id: string }) => i.id === rejected).rejectUri)).status).toBe(200);
        expect((await post(hook.finishUri)).status).toBe(200);
        const done = await waitForStage(stack, sendoutId, 'COMPLETED');
        expect(done.counts).toMatchObject({ REJECTED: 1 });
        expect(Object.keys(await received([kept, rejected]))).toEqual([kept]);
      } finally {
        await integrator.stop();
      }
    });
  });

  describe('authentication', () => {
    it.each([
      ['App', (key: string) => `App ${key}`],
      ['Basic', (key: string) => `Basic ${Buffer.from(`any-user:${key}`).toString('base64')}`],
      ['Bearer', (key: string) => `Bearer ${key}`],
    ])('accepts the key with the %s scheme', async (_scheme, header) => {
      const { status, body } = await send(basics(recipient()), header(stack.apiKey));
      expect(status).toBe(200);
      expect(body.messages).toHaveLength(1);
    });

    it.each([
      ['without an Authorization header', null],
      ['with a wrong key', 'App sg_live_not-a-real-key'],
    ])("refuses a request %s with 401 in Infobip's shape", async (_case, authorization) => {
      const { status, body } = await send(basics(recipient()), authorization);
      expect(status).toBe(401);
      expect(body).toEqual({ requestError: { serviceException: { messageId: 'UNAUTHORIZED', text: 'Invalid login details' } } });
    });
  });

  describe('refusals', () => {
    const refused = async (parts: Part[]) => {
      const { status, body } = await send(parts);
      expect(status).toBe(400);
      expect(body.requestError.serviceException.messageId).toBe('BAD_REQUEST');
      return body.requestError.serviceException;
    };

    it('names from, to and subject when they are missing', async () => {
      const error = await refused([['html', '<p>x</p>']]);
      expect(Object.keys(error.validationErrors).sort()).toEqual(['from', 'subject', 'to']);
    });

    it('refuses more than 1000 recipients', async () => {
      const to = Array.from({ length: 1_001 }, (_, i): Part => ['to', `u${i}@${SIMULATOR}`]);
      const error = await refused([['from', 'jane@example.com'], ['subject', 'x'], ...to]);
      expect(error.validationErrors.to).toEqual(['has 1001 recipients over to, cc and bcc; at most 1000']);
    });

    it('refuses sendAt more than 30 days ahead', async () => {
      const sendAt = new Date(Date.now() + 31 * 24 * 3_600_000).toISOString().replace('Z', '+0000');
      const error = await refused([...basics(recipient()), ['sendAt', sendAt]]);
      expect(error.validationErrors.sendAt).toEqual(['must be at most 30 days ahead']);
    });

    it('refuses attachments over the configured total', async () => {
      const half = { filename: 'half.bin', type: 'application/octet-stream', bytes: randomBytes(MAX_ATTACHMENT_BYTES / 2 + 1) };
      const error = await refused([...basics(recipient()), ['attachment', half], ['attachment', half]]);
      expect(error.validationErrors.attachment).toEqual([`attachments and inline images must total at most ${MAX_ATTACHMENT_BYTES} bytes`]);
    });

    it('refuses callbackData over 4000 characters', async () => {
      const error = await refused([...basics(recipient()), ['callbackData', 'c'.repeat(4_001)]]);
      expect(error.validationErrors.callbackData).toEqual(['must be at most 4000 characters']);
    });

    it('refuses a bulkId the account already used, and stores nothing of the second request', async () => {
      const bulkId = `bulk-${randomUUID()}`;
      expect((await send([...basics(recipient()), ['bulkId', bulkId]])).status).toBe(200);
      const error = await refused([...basics(recipient()), ['bulkId', bulkId]]);
      expect(Object.keys(error.validationErrors)).toEqual(['bulkId']);
      const [{ n }] = await stack.dataSource.query('SELECT COUNT(*) AS n FROM email_bulks WHERE bulk_id = ?', [bulkId]);
      expect(Number(n)).toBe(1);
    });

    it('says which email defaults to set when the key has none', async () => {
      const other = await expectStatus(stack.request('POST', '/v1/api-keys', { name: `no defaults ${randomUUID()}` }), 201);
      const { status, body } = await send(basics(recipient()), `App ${other.key}`);
      expect(status).toBe(400);
      expect(body.requestError.serviceException.text).toContain(`PUT /v1/api-keys/${other.id}/email-defaults`);

      await expectStatus(stack.request('PUT', `/v1/api-keys/${other.id}/email-defaults`, { projectId }), 200);
      const withProject = await send(basics(recipient()), `App ${other.key}`);
      expect(withProject.status).toBe(200);
    });
  });

  describe('email defaults', () => {
    it("shows a key's defaults, and refuses an integration that is not an email integration of the account", async () => {
      const sms = await expectStatus(
        stack.request('POST', '/v1/integrations', {
          name: `sms ${randomUUID().slice(0, 8)}`,
          channel: 'sms',
          url: `${stack.baseUrl}/sandbox/esp/messages`,
          payloadTemplate: '{"to":"${phone}"}',
        }),
        201,
      );
      const id = await keyId(stack.apiKey);
      const bad = await stack.request('PUT', `/v1/api-keys/${id}/email-defaults`, { projectId, integrationId: sms.id });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ field: 'integrationId', message: expect.stringContaining('not an email integration') }]);
      const badProject = await stack.request('PUT', `/v1/projects/${projectId}/email-defaults`, { integrationId: randomUUID() });
      expect(badProject.status).toBe(400);

      const { keys } = await expectStatus(stack.request('GET', '/v1/api-keys'), 200);
      expect(keys.find((k: { id: string }) => k.id === id).emailDefaults).toEqual({ projectId });
      const project = await expectStatus(stack.request('GET', `/v1/projects/${projectId}`), 200);
      expect(project.emailDefaults).toEqual({ integrationId });
    });
  });
});
