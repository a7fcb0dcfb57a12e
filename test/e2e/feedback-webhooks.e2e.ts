import { KeyObject, createHash, createSecretKey, generateKeyPairSync } from 'node:crypto';
import { jwtVerify } from 'jose';
import { FeedbackDeliveryState } from '../../libs/domain/src/feedback';
import { batchRequestId } from '../../libs/feedback/src/feedback-sender';
import { Sql } from '../../libs/database/src/sql';
import { EspReceiver } from '../esp-receiver';
import { insertFeedbackDelivery } from '../feedback-delivery-row';
import { TestStack, createAccount } from '../harness';
import { expectStatus } from '../scenario';

const HS_SECRET = 'hs256-shared-secret-0123456789-abcdefghij';
const HEADER_SECRET = 'feedback-hdr-s3cret-value';
const MASK = '********';

function keyPair(kind: 'rsa' | 'ec') {
  const { privateKey, publicKey } =
    kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey };
}

describe('feedback webhooks', () => {
  let stack: TestStack;
  let receiver: EspReceiver;
  let other: { accountId: string; apiKey: string };
  const rsa = keyPair('rsa');
  const ec = keyPair('ec');
  /** Everything the process writes while the suite runs: no secret may appear in it. */
  const written: string[] = [];
  const restore: Array<() => void> = [];

  beforeAll(async () => {
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: never[]) => {
        written.push(String(chunk));
        return write(chunk as string, ...rest);
      }) as typeof stream.write;
      restore.push(() => (stream.write = write));
    }
    receiver = await new EspReceiver().start();
    stack = await TestStack.start();
    other = await createAccount(stack.dataSource);
  });

  afterAll(async () => {
    restore.forEach((undo) => undo());
    await stack?.stop();
    await receiver?.stop();
  });

  const create = (body: Record<string, unknown>) => stack.request('POST', '/v1/feedback-webhooks', body);
  const valid = (overrides: Record<string, unknown> = {}) => ({
    name: 'CRM feedback',
    channels: ['email', 'sms'],
    url: receiver.url,
    auth: { type: 'jwt', algorithm: 'HS256', secret: HS_SECRET, issuer: 'sendgate', audience: 'crm' },
    headers: [
      { key: 'X-Api-Key', value: HEADER_SECRET, secret: true },
      { key: 'X-Tenant', value: 'acme' },
    ],
    ...overrides,
  });
  const fieldsOf = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);

  it('is created, listed, read, changed and deleted, with every secret masked in every answer', async () => {
    const created = await expectStatus(create(valid()), 201);
    expect(created).toEqual({
      id: expect.any(String),
      name: 'CRM feedback',
      channels: ['email', 'sms'],
      url: receiver.url,
      auth: { type: 'jwt', algorithm: 'HS256', secret: MASK, issuer: 'sendgate', audience: 'crm', expiresInSeconds: 300 },
      headers: [
        { key: 'X-Api-Key', value: MASK, secret: true },
        { key: 'X-Tenant', value: 'acme', secret: false },
      ],
      maxEventsPerRequest: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const path = `/v1/feedback-webhooks/${created.id}`;

    const listed = await expectStatus(stack.request('GET', '/v1/feedback-webhooks'), 200);
    expect(listed.webhooks.map((w: { id: string }) => w.id)).toContain(created.id);
    expect(await expectStatus(stack.request('GET', path), 200)).toEqual(created);

    // Same origin: the masks keep the stored secrets (the test call below proves they still sign and arrive).
    const patched = await expectStatus(
      stack.request('PATCH', path, {
        name: 'renamed',
        channels: ['sms'],
        url: `${receiver.url}?v=2`,
        auth: { type: 'jwt', algorithm: 'HS256', secret: MASK, issuer: 'sendgate', audience: 'crm', expiresInSeconds: 60 },
        headers: [{ key: 'X-Api-Key', value: MASK, secret: true }],
      }),
      200,
    );
    expect(patched).toMatchObject({
      name: 'renamed',
      channels: ['sms'],
      auth: { type: 'jwt', secret: MASK, expiresInSeconds: 60 },
      headers: [{ key: 'X-Api-Key', value: MASK, secret: true }],
    });
    const tested = await expectStatus(stack.request('POST', `${path}/test`), 200);
    expect(tested).toMatchObject({ delivered: true, status: 200 });
    const arrived = receiver.requests.at(-1)!;
    expect(arrived.headers['x-api-key']).toBe(HEADER_SECRET);
    expect(JSON.parse(arrived.body)).toMatchObject({
      requestId: tested.requestId,
      channel: 'sms',
      identityMap: { phone: [{ primary: true }] },
    });
    const { payload } = await jwtVerify(arrived.headers.authorization!.replace(/^Bearer /, ''), createSecretKey(Buffer.from(HS_SECRET)), {
      issuer: 'sendgate',
      audience: 'crm',
    });
    expect(payload.exp! - payload.iat!).toBe(60);

    // Another origin: every secret must come again, each field named.
    const moved = await stack.request('PATCH', path, {
      url: 'http://localhost:9/feedback',
      headers: [{ key: 'X-Api-Key', value: MASK, secret: true }],
    });
    expect(moved.status).toBe(400);
    expect(fieldsOf(moved.body)).toEqual(expect.arrayContaining(['auth', 'headers[0].value']));
    const movedAuth = await stack.request('PATCH', path, {
      url: 'http://localhost:9/feedback',
      auth: { type: 'jwt', algorithm: 'HS256', secret: MASK },
      headers: [],
    });
    expect(movedAuth.status).toBe(400);
    expect(fieldsOf(movedAuth.body)).toEqual(['auth.secret']);

    await expectStatus(stack.request('DELETE', path), 204);
    expect((await stack.request('GET', path)).status).toBe(404);
    expect((await stack.request('DELETE', path)).status).toBe(404);
    expect(
      (await expectStatus(stack.request('GET', '/v1/feedback-webhooks'), 200)).webhooks.map((w: { id: string }) => w.id),
    ).not.toContain(created.id);

    const shown = JSON.stringify([created, listed, patched, tested, moved.body, movedAuth.body]);
    const [row] = await stack.dataSource.query('SELECT * FROM feedback_webhooks WHERE id = ?', [created.id]);
    for (const secret of [HS_SECRET, HEADER_SECRET]) {
      expect(shown).not.toContain(secret);
      expect(JSON.stringify(row)).not.toContain(secret);
    }
  });

  it('refuses bad settings with a 400 naming each field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ channels: ['email', 'fax'] }, 'channels'],
      [{ channels: [] }, 'channels'],
      [{ url: 'ftp://example.com/x' }, 'url'],
      [{ auth: { type: 'jwt', algorithm: 'HS256', secret: 'too-short-secret' } }, 'auth.secret'],
      [
        { auth: { type: 'jwt', algorithm: 'RS256', privateKey: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' } },
        'auth.privateKey',
      ],
      [{ auth: { type: 'jwt', algorithm: 'ES256', privateKey: rsa.pem } }, 'auth.privateKey'],
      [{ auth: { type: 'jwt', algorithm: 'HS512', secret: HS_SECRET } }, 'auth.algorithm'],
      [{ auth: { type: 'jwt', algorithm: 'HS256', secret: HS_SECRET, expiresInSeconds: 86_401 } }, 'auth.expiresInSeconds'],
      [{ auth: { type: 'basic' } }, 'auth.type'],
      [{ auth: { type: 'jwt', algorithm: 'HS256', secret: MASK } }, 'auth.secret'],
      [{ headers: [{ key: 'Content-Type', value: 'text/plain' }] }, 'headers[0].key'],
      [{ headers: [{ key: 'Host', value: 'evil.example.com' }] }, 'headers[0].key'],
      [{ headers: [{ key: 'Authorization', value: 'Bearer x' }] }, 'headers[0].key'],
      [{ headers: [{ key: 'Bad Name', value: 'x' }] }, 'headers[0].key'],
      [{ headers: [{ key: 'X-A', value: 'a\r\nX-Injected: 1' }] }, 'headers[0].value'],
      [{ headers: [{ key: 'X-A', value: MASK, secret: true }] }, 'headers[0].value'],
      [{ maxEventsPerRequest: 0 }, 'maxEventsPerRequest'],
      [{ maxEventsPerRequest: 501 }, 'maxEventsPerRequest'],
      [{ maxEventsPerRequest: 2.5 }, 'maxEventsPerRequest'],
      [{ maxEventsPerRequest: '10' }, 'maxEventsPerRequest'],
    ];
    for (const [overrides, field] of cases) {
      const answer = await create(valid(overrides));
      expect({ overrides, status: answer.status }).toEqual({ overrides, status: 400 });
      expect({ overrides, fields: fieldsOf(answer.body) }).toEqual({ overrides, fields: expect.arrayContaining([field]) });
    }
    // Authorization is the receiver's business when the webhook signs nothing.
    await expectStatus(create(valid({ auth: { type: 'none' }, headers: [{ key: 'Authorization', value: 'Bearer static' }] })), 201);
  });

  it('is not found by another account, whatever it tries', async () => {
    const created = await expectStatus(create(valid()), 201);
    const path = `/v1/feedback-webhooks/${created.id}`;
    const asOther = (method: string, suffix = '', body?: unknown) =>
      stack.request(method, `${path}${suffix}`, body, { authorization: `Bearer ${other.apiKey}` });

    for (const [method, suffix, body] of [
      ['GET', ''],
      ['PATCH', '', { name: 'mine now' }],
      ['POST', '/test'],
      ['GET', '/deliveries'],
      ['POST', '/deliveries/1/redeliver'],
      ['DELETE', ''],
    ] as Array<[string, string, unknown?]>) {
      expect({ method, suffix, status: (await asOther(method, suffix, body)).status }).toEqual({ method, suffix, status: 404 });
    }
    const listed = await expectStatus(
      stack.request('GET', '/v1/feedback-webhooks', undefined, { authorization: `Bearer ${other.apiKey}` }),
      200,
    );
    expect(listed.webhooks).toEqual([]);
    expect((await expectStatus(stack.request('GET', path), 200)).name).toBe('CRM feedback');
  });

  describe('the test call', () => {
    it.each([
      ['RS256', () => ({ privateKey: rsa.pem }), () => rsa.publicKey],
      ['ES256', () => ({ privateKey: ec.pem }), () => ec.publicKey],
      ['HS256', () => ({ secret: HS_SECRET }), () => createSecretKey(Buffer.from(HS_SECRET))],
    ] as Array<[string, () => Record<string, string>, () => KeyObject]>)(
      'delivers a sample event signed with %s: the receiver verifies the JWT, its jti and the body hash',
      async (algorithm, key, verifyKey) => {
        receiver.respond = () => ({ status: 202, body: { ok: true } });
        const created = await expectStatus(
          create(valid({ channels: ['email'], auth: { type: 'jwt', algorithm, ...key(), issuer: 'sendgate', audience: 'crm' } })),
          201,
        );
        expect(created.auth).toEqual({
          type: 'jwt',
          algorithm,
          [algorithm === 'HS256' ? 'secret' : 'privateKey']: MASK,
          issuer: 'sendgate',
          audience: 'crm',
          expiresInSeconds: 300,
        });

        const result = await expectStatus(stack.request('POST', `/v1/feedback-webhooks/${created.id}/test`), 200);

        expect(result).toEqual({ delivered: true, status: 202, body: '{"ok":true}', requestId: expect.stringMatching(/^[0-9a-f]{32}$/) });
        const arrived = receiver.requests.at(-1)!;
        expect(arrived.headers['x-api-key']).toBe(HEADER_SECRET);
        expect(arrived.headers['x-tenant']).toBe('acme');
        expect(arrived.headers['content-type']).toBe('application/json');
        const { payload, protectedHeader } = await jwtVerify(arrived.headers.authorization!.replace(/^Bearer /, ''), verifyKey(), {
          issuer: 'sendgate',
          audience: 'crm',
          algorithms: [algorithm],
        });
        expect(protectedHeader.alg).toBe(algorithm);
        expect(payload.jti).toBe(result.requestId);
        expect(payload.body_sha256).toBe(createHash('sha256').update(arrived.body).digest('hex'));
        expect(payload.exp! - payload.iat!).toBe(300);
        expect(JSON.parse(arrived.body)).toEqual({
          requestId: result.requestId,
          imsOrg: stack.accountId,
          sandbox: { id: 'test', name: 'test' },
          channel: 'email',
          eventType: 'message.feedback',
          messageExecution: expect.objectContaining({ messageType: 'transactional' }),
          messageDeliveryFeedback: expect.objectContaining({ feedbackStatus: { value: 'sent' } }),
          identityMap: { email: [{ id: 'test@example.com', primary: true }] },
        });
      },
    );

    it('delivers the sample as an array of one to a webhook that takes several events per request, its jti the batch id', async () => {
      receiver.respond = () => ({ status: 200, body: { ok: true } });
      const created = await expectStatus(create(valid({ channels: ['email'], maxEventsPerRequest: 100 })), 201);
      expect(created.maxEventsPerRequest).toBe(100);

      const result = await expectStatus(stack.request('POST', `/v1/feedback-webhooks/${created.id}/test`), 200);

      expect(result).toMatchObject({ delivered: true, status: 200 });
      const arrived = receiver.requests.at(-1)!;
      const body = JSON.parse(arrived.body);
      expect(body).toEqual([expect.objectContaining({ requestId: result.requestId, eventType: 'message.feedback' })]);
      const { payload } = await jwtVerify(arrived.headers.authorization!.replace(/^Bearer /, ''), createSecretKey(Buffer.from(HS_SECRET)));
      expect(payload.jti).toBe(batchRequestId(body));
      expect(payload.jti).not.toBe(result.requestId);
      expect(payload.body_sha256).toBe(createHash('sha256').update(arrived.body).digest('hex'));

      // back to one event per request: the sample is the event itself again
      const patched = await expectStatus(stack.request('PATCH', `/v1/feedback-webhooks/${created.id}`, { maxEventsPerRequest: 1 }), 200);
      expect(patched.maxEventsPerRequest).toBe(1);
      const single = await expectStatus(stack.request('POST', `/v1/feedback-webhooks/${created.id}/test`), 200);
      expect(JSON.parse(receiver.requests.at(-1)!.body)).toMatchObject({ requestId: single.requestId });
      const refused = await stack.request('PATCH', `/v1/feedback-webhooks/${created.id}`, { maxEventsPerRequest: null });
      expect(refused.status).toBe(400);
      expect(new Set(fieldsOf(refused.body))).toEqual(new Set(['maxEventsPerRequest']));
    });

    it('answers 200 with delivered false and the status when the receiver answers 500', async () => {
      receiver.respond = () => ({ status: 500, body: { error: 'down' } });
      const created = await expectStatus(create(valid({ auth: { type: 'none' }, headers: [] })), 201);

      const result = await expectStatus(stack.request('POST', `/v1/feedback-webhooks/${created.id}/test`), 200);

      expect(result).toEqual({ delivered: false, status: 500, error: expect.stringContaining('500'), requestId: expect.any(String) });
      expect(receiver.requests.at(-1)!.headers.authorization).toBeUndefined();
      receiver.respond = () => ({ status: 200 });
    });
  });

  describe('deliveries', () => {
    it('are listed newest first by status, and a dead one is redelivered with its requestId', async () => {
      const created = await expectStatus(create(valid()), 201);
      const base = `/v1/feedback-webhooks/${created.id}/deliveries`;
      const sql = new Sql(stack.dataSource);
      const insert = (messageId: number, state: FeedbackDeliveryState) =>
        insertFeedbackDelivery(sql, {
          accountId: stack.accountId,
          webhookId: created.id,
          messageId,
          state,
          attempts: 12,
          lastStatus: 503,
          lastError: 'receiver answered 503',
          leaseUntil: new Date(Date.now() + 60_000),
        });
      const dead = await insert(1, FeedbackDeliveryState.DEAD);
      const pending = await insert(2, FeedbackDeliveryState.PENDING);
      const delivered = await insert(3, FeedbackDeliveryState.DELIVERED);

      const first = await expectStatus(stack.request('GET', `${base}?limit=2`), 200);
      const second = await expectStatus(stack.request('GET', `${base}?limit=2&after=${first.next}`), 200);
      expect([...first.deliveries, ...second.deliveries].map((d: { id: number }) => d.id)).toEqual([delivered.id, pending.id, dead.id]);
      expect(second.next).toBeNull();
      const deadOnly = await expectStatus(stack.request('GET', `${base}?status=dead`), 200);
      expect(deadOnly.deliveries).toEqual([
        {
          id: dead.id,
          requestId: dead.requestId,
          messageId: 1,
          sendoutId: expect.any(String),
          event: 'sent',
          status: 'dead',
          attempts: 12,
          lastStatusCode: 503,
          lastError: 'receiver answered 503',
          nextAttemptAt: expect.any(String),
          createdAt: expect.any(String),
          deliveredAt: null,
        },
      ]);
      expect((await stack.request('GET', `${base}?status=lost`)).status).toBe(400);
      expect((await stack.request('GET', `${base}?limit=501`)).status).toBe(400);

      const redelivered = await expectStatus(stack.request('POST', `${base}/${dead.id}/redeliver`), 200);
      expect(redelivered).toMatchObject({ id: dead.id, requestId: dead.requestId, status: 'pending', attempts: 12 });
      const [row] = await stack.dataSource.query('SELECT state, lease_until FROM feedback_deliveries WHERE id = ?', [dead.id]);
      expect(row).toEqual({ state: 'PENDING', lease_until: null });

      expect((await stack.request('POST', `${base}/${dead.id}/redeliver`)).status).toBe(409);
      expect((await stack.request('POST', `${base}/${delivered.id}/redeliver`)).status).toBe(409);
      expect((await stack.request('POST', `${base}/999999999/redeliver`)).status).toBe(404);
      expect((await stack.request('POST', `${base}/abc/redeliver`)).body.errors[0].field).toBe('deliveryId');
    });
  });

  it('wrote no secret to the log', () => {
    const log = written.join('');
    for (const secret of [HS_SECRET, HEADER_SECRET, rsa.pem, ec.pem]) expect(log).not.toContain(secret);
  });
});

describe('feedback webhooks when private networks are not allowed', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { SENDGATE_ALLOW_PRIVATE_NETWORKS: 'false' } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a plain http URL and a loopback one, naming the url', async () => {
    for (const [url, message] of [
      ['http://93.184.216.34/feedback', 'must use https'],
      ['https://127.0.0.1/feedback', expect.stringContaining('private or loopback')],
    ]) {
      const answer = await stack.request('POST', '/v1/feedback-webhooks', { name: 'x', channels: ['email'], url, auth: { type: 'none' } });
      expect({ url, status: answer.status }).toEqual({ url, status: 400 });
      expect(answer.body.errors).toEqual([{ field: 'url', message }]);
    }
  });
});
