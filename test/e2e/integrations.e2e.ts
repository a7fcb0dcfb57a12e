import { createHash } from 'node:crypto';
import { EspReceiver, answerAfter } from '../esp-receiver';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, seedSendout, waitForStage, startSendingStack } from '../scenario';

const SECRET_HEADER = 'hdr-s3cret-value';
const PASSWORD = 'basic-pa55word';

describe('ESP integrations', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let esp: EspReceiver;

  beforeAll(async () => {
    ({ stack, esp } = sending = await startSendingStack({ env: { SENDGATE_OUTBOUND_TIMEOUT_MS: '1000' } }));
  });

  afterAll(async () => {
    await sending?.stop();
  });

  async function draft(overrides: Record<string, unknown> = {}) {
    return expectStatus(
      stack.request('POST', '/v1/integrations', {
        name: 'Acme ESP',
        channel: 'email',
        url: esp.url,
        identifierType: 'email_sha256',
        messageIdPath: 'result.id',
        headers: [
          { key: 'X-Api-Key', value: SECRET_HEADER, secret: true },
          { key: 'X-Tenant', value: 'acme' },
        ],
        payloadTemplate: '{"to":"${userIdentifier}","subject":"${subject}","key":"${idempotencyKey}"}',
        ...overrides,
      }),
      201,
    );
  }

  it('sets up in three steps with every secret masked, and sends with them', async () => {
    esp.respond = (req) => ({ status: 200, body: { result: { id: `esp-${req.key}` } } });
    const created = await draft();
    expect(created).toMatchObject({
      status: 'DRAFT',
      identifierType: 'email_sha256',
      auth: { type: 'none' },
      headers: [
        { key: 'X-Api-Key', value: '********', secret: true },
        { key: 'X-Tenant', value: 'acme', secret: false },
      ],
    });

    const authed = await expectStatus(
      stack.request('PUT', `/v1/integrations/${created.id}/auth`, { type: 'basic', username: 'acme', password: PASSWORD }),
      200,
    );
    expect(authed.auth).toEqual({ type: 'basic', username: 'acme', password: '********' });

    const tested = await expectStatus(
      stack.request('POST', `/v1/integrations/${created.id}/test`, { variables: { subject: 'Hello test' } }),
      200,
    );
    expect(tested.request.headers).toMatchObject({ 'x-api-key': '********', 'x-tenant': 'acme', authorization: 'Basic ********' });
    expect(tested.request.body).toMatchObject({ subject: 'Hello test', to: createHash('sha256').update('test@example.com').digest('hex') });
    expect(tested.response).toMatchObject({
      status: 200,
      body: { result: { id: expect.stringMatching(/^esp-test:/) } },
      durationMs: expect.any(Number),
    });
    const received = esp.requests.at(-1)!;
    expect(received.headers['x-api-key']).toBe(SECRET_HEADER);
    expect(received.headers.authorization).toBe(`Basic ${Buffer.from(`acme:${PASSWORD}`).toString('base64')}`);

    const seed = await seedSendout(stack, { contacts: 20, espUrl: esp.url });
    const refused = await stack.request('POST', '/v1/sendouts', {
      projectId: seed.projectId,
      name: 'draft',
      segmentId: seed.segmentId,
      integrationId: created.id,
      content: { subject: 'x' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.field).toBe('integrationId');

    expect((await expectStatus(stack.request('POST', `/v1/integrations/${created.id}/activate`), 200)).status).toBe('ACTIVE');
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'with secrets',
        segmentId: seed.segmentId,
        integrationId: created.id,
        content: { subject: 'Hi {{ contact.firstName }}' },
      }),
      202,
    );
    const done = await waitForStage(stack, sendout.id, 'COMPLETED');
    expect(done.counts.SENT).toBe(20);

    const sent = esp.requests.filter((r) => r.key.startsWith(`${sendout.id}:`));
    expect(sent.every((r) => r.headers['x-api-key'] === SECRET_HEADER && r.headers['x-tenant'] === 'acme')).toBe(true);
    const first = JSON.parse(sent[0].body);
    expect(first.to).toMatch(/^[0-9a-f]{64}$/);
    const ids = await stack.dataSource.query('SELECT idempotency_key, esp_message_id FROM messages WHERE sendout_id = ?', [sendout.id]);
    expect(
      ids.every((row: { idempotency_key: string; esp_message_id: string }) => row.esp_message_id === `esp-${row.idempotency_key}`),
    ).toBe(true);

    // Secrets: not in any answer, not at rest in clear, not in the workflow history, not in the worker's log.
    const shown = JSON.stringify([
      created,
      authed,
      tested,
      await expectStatus(stack.request('GET', `/v1/integrations/${created.id}`), 200),
    ]);
    const [row] = await stack.dataSource.query('SELECT * FROM esp_integrations WHERE id = ?', [created.id]);
    const temporal = await stack.temporalClient();
    const history = JSON.stringify(await temporal.client.workflow.getHandle(sendout.workflowId).fetchHistory());
    await temporal.close();
    for (const secret of [SECRET_HEADER, PASSWORD, Buffer.from(`acme:${PASSWORD}`).toString('base64')]) {
      expect(shown).not.toContain(secret);
      expect(JSON.stringify(row)).not.toContain(secret);
      expect(history).not.toContain(secret);
      expect(stack.workers.map((w) => w.log).join('\n')).not.toContain(secret);
    }
  });

  it('takes the payload template as a JSON object too, storing and answering it as its JSON text', async () => {
    esp.respond = () => ({ status: 200 });
    const template = { to: '${email}', subject: '${subject}', meta: { tags: ['a', 'b'], n: 1 } };

    const created = await draft({ payloadTemplate: template });
    const patched = await expectStatus(
      stack.request('PATCH', `/v1/integrations/${created.id}`, { payloadTemplate: { to: '${email}', kind: 'patched' } }),
      200,
    );

    expect(created.payloadTemplate).toBe(JSON.stringify(template));
    expect(patched.payloadTemplate).toBe('{"to":"${email}","kind":"patched"}');
    const [row] = await stack.dataSource.query('SELECT payload_template FROM esp_integrations WHERE id = ?', [created.id]);
    expect(row.payload_template).toBe('{"to":"${email}","kind":"patched"}');
    const tested = await expectStatus(stack.request('POST', `/v1/integrations/${created.id}/test`, {}), 200);
    expect(tested.request.body).toEqual({ to: 'test@example.com', kind: 'patched' });

    const unknownVariable = await stack.request('POST', '/v1/integrations', {
      name: 'x',
      channel: 'email',
      url: esp.url,
      payloadTemplate: { to: '${recipient}' },
    });
    const list = await stack.request('POST', '/v1/integrations', {
      name: 'x',
      channel: 'email',
      url: esp.url,
      payloadTemplate: ['${email}'],
    });
    expect(unknownVariable.status).toBe(400);
    expect(unknownVariable.body.errors.map((e: { field: string }) => e.field)).toEqual(['payloadTemplate.to']);
    expect(list.status).toBe(400);
    expect(list.body.errors).toEqual([
      { field: 'payloadTemplate', message: 'must be a string of JSON (at most 100,000 characters) or a JSON object' },
    ]);
  });

  it('keeps a secret header sent back masked on PATCH, and refuses DELETE while a sendout runs', async () => {
    esp.respond = answerAfter(30);
    const created = await draft();
    await expectStatus(stack.request('POST', `/v1/integrations/${created.id}/activate`), 200);
    const patched = await expectStatus(
      stack.request('PATCH', `/v1/integrations/${created.id}`, {
        name: 'Acme ESP (renamed)',
        headers: [{ key: 'X-Api-Key', value: '********', secret: true }],
      }),
      200,
    );
    expect(patched).toMatchObject({ name: 'Acme ESP (renamed)', headers: [{ key: 'X-Api-Key', value: '********', secret: true }] });

    const seed = await seedSendout(stack, { contacts: 200, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'long',
        segmentId: seed.segmentId,
        integrationId: created.id,
        content: { subject: 'x' },
      }),
      202,
    );
    expect((await stack.request('DELETE', `/v1/integrations/${created.id}`)).status).toBe(409);

    await waitForStage(stack, sendout.id, 'COMPLETED');
    expect(esp.requests.filter((r) => r.key.startsWith(`${sendout.id}:`)).every((r) => r.headers['x-api-key'] === SECRET_HEADER)).toBe(
      true,
    );
    expect((await stack.request('DELETE', `/v1/integrations/${created.id}`)).status).toBe(204);
    expect((await stack.request('GET', `/v1/integrations/${created.id}`)).status).toBe(404);
  });

  it('retries 5xx, 429 (after Retry-After) and slow answers, fails 4xx with the reason, and sends nothing twice', async () => {
    // The contact's number decides its fate: 0 → 422, 1 → 500 once, 2 → 429 once, 3 → slower than the timeout once.
    const fate = (body: string) => Number(/user(\d+)@/.exec(JSON.parse(body).to)![1]) % 5;
    esp.respond = async (req, attempt) => {
      const kind = fate(req.body);
      if (kind === 0) return { status: 422, body: { error: 'invalid recipient' } };
      if (attempt === 1 && kind === 1) return { status: 500, body: { error: 'boom' } };
      if (attempt === 1 && kind === 2) return { status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } };
      if (attempt === 1 && kind === 3) await new Promise((r) => setTimeout(r, 1_500));
      return { status: 200, body: { result: { id: 'ok' } } };
    };
    const created = await draft({ identifierType: 'email', headers: [] });
    await expectStatus(stack.request('POST', `/v1/integrations/${created.id}/activate`), 200);
    const seed = await seedSendout(stack, { contacts: 50, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'faults',
        segmentId: seed.segmentId,
        integrationId: created.id,
        content: { subject: 'x' },
      }),
      202,
    );

    const done = await waitForStage(stack, sendout.id, 'COMPLETED', 120_000);

    expect(done.counts).toMatchObject({ SENT: 40, FAILED: 10, SENDING: 0 });
    const failed = await stack.dataSource.query("SELECT reason FROM messages WHERE sendout_id = ? AND state = 'FAILED'", [sendout.id]);
    expect(failed.every((row: { reason: string }) => row.reason === 'ESP answered 422: {"error":"invalid recipient"}')).toBe(true);
    const accepted = [...esp.acceptedCount].filter(([key]) => key.startsWith(`${sendout.id}:`));
    expect(accepted).toHaveLength(40);
    // Only an answer that came after our timeout (outcome unknown to us) is retried under the same key,
    // which is what the Idempotency-Key is for; everything the ESP confirmed in time went out once.
    const fateOf = new Map(esp.requests.filter((r) => r.key.startsWith(`${sendout.id}:`)).map((r) => [r.key, fate(r.body)]));
    const twice = accepted.filter(([, times]) => times > 1).map(([key]) => fateOf.get(key));
    expect(twice.every((kind) => kind === 3)).toBe(true);
    expect(accepted.filter(([key]) => fateOf.get(key) !== 3).every(([, times]) => times === 1)).toBe(true);
    const retried = [...esp.attemptsByKey].filter(([key, attempts]) => key.startsWith(`${sendout.id}:`) && attempts > 1);
    expect(retried.length).toBeGreaterThanOrEqual(30); // the 500s, 429s and slow answers came back a second time
  });

  it('holds a messages-per-second limit across two workers', async () => {
    esp.respond = answerAfter(10);
    await stack.startWorker(); // a second worker: the limit is shared, not per worker
    const created = await draft({ identifierType: 'email', headers: [], rateLimitPerSecond: 20 });
    expect(created.rateLimitPerSecond).toBe(20);
    await expectStatus(stack.request('POST', `/v1/integrations/${created.id}/activate`), 200);
    const seed = await seedSendout(stack, { contacts: 100, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'limited',
        segmentId: seed.segmentId,
        integrationId: created.id,
        content: { subject: 'x' },
      }),
      202,
    );

    const done = await waitForStage(stack, sendout.id, 'COMPLETED', 120_000);

    expect(done.counts.SENT).toBe(100);
    const windows = await stack.dataSource.query('SELECT used FROM rate_windows WHERE integration_id = ?', [created.id]);
    expect(windows.length).toBeGreaterThanOrEqual(4);
    expect(windows.every((w: { used: number }) => Number(w.used) <= 20)).toBe(true);
    // Fixed one-second windows allow a burst at a boundary: about twice the limit in a sliding second
    // (plus the few requests still in flight across the boundary), where unlimited all 100 would land at once.
    const arrivals = esp.requests
      .filter((r) => r.key.startsWith(`${sendout.id}:`))
      .map((r) => r.at)
      .sort((a, b) => a - b);
    const busiest = Math.max(...arrivals.map((t, i) => arrivals.slice(i).filter((u) => u < t + 1_000).length));
    expect(busiest).toBeLessThanOrEqual(45);
  });
});
