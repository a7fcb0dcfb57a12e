/**
 * 10,000 malformed requests over every route (wrong types, huge and deep bodies, bad UTF-8,
 * prototype keys, long ids, forged and expired gate tokens, wrong content types): none may be
 * answered with a 5xx, every error answer has the common shape, and the API stays up.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { Pool } from 'undici';
import { TokenSigner } from '../../libs/crypto/src/signed-token';
import { GateRepository } from '../../libs/database/src/repositories/gate.repository';
import { Sql } from '../../libs/database/src/sql';
import { FeedbackDeliveryState } from '../../libs/domain/src/feedback';
import { insertFeedbackDelivery } from '../feedback-delivery-row';
import { FuzzRequest, FuzzWorld, Route, buildRequest, listRoutes } from '../fuzz-requests';
import { TEST_SIGNING_KEY, TestStack } from '../harness';
import { expectStatus } from '../scenario';

/** Another seed explores other requests: SENDGATE_FUZZ_SEED=7 npx jest test/e2e/fuzz.e2e.ts */
const SEED = Number(process.env.SENDGATE_FUZZ_SEED ?? 20_251_124);
const REQUESTS = 10_000;
const CONCURRENCY = 16;
const DEADLINE_MS = 100_000;

interface Outcome {
  index: number;
  request: FuzzRequest;
  status?: number;
  body?: string;
  error?: string;
}

describe('the API under malformed input', () => {
  let stack: TestStack;
  let world: FuzzWorld;
  let routes: Route[];

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'mysql' });
    world = await seedWorld(stack);
    routes = listRoutes(stack.app);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('finds every route, the public gate URIs and health checks included', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /v1/contacts/batch',
        'POST /v1/sendouts',
        'POST /email/3/send',
        'PUT /v1/integrations/:id/auth',
        'POST /gate/v1/data/:token',
        'GET /gate/v1/items/:token',
        'GET /health/live',
        'GET /health/ready',
      ]),
    );
  });

  describe(`when ${REQUESTS} malformed requests arrive, ${CONCURRENCY} at a time`, () => {
    let outcomes: Outcome[];

    beforeAll(async () => {
      outcomes = await run(stack.baseUrl, (i) => buildRequest(SEED, i, routes, world));
    }, DEADLINE_MS + 30_000);

    it('answers every one of them', () => {
      expect(report(outcomes.filter((o) => o.status === undefined))).toEqual([]);
      expect(outcomes.length).toBe(REQUESTS);
    });

    it('answers none of them with a 5xx', () => {
      expect(report(outcomes.filter((o) => (o.status ?? 0) >= 500))).toEqual([]);
    });

    it("shapes every error as {statusCode, error, message} (Infobip's shape on /email), with a short message", () => {
      const misshapen = outcomes.filter(
        (o) => o.status !== undefined && o.status >= 400 && !hasErrorShape(o.status, o.body, o.request.path),
      );
      expect(report(misshapen)).toEqual([]);
    });

    it('refuses most of them with a 4xx (the fuzzing reaches the validation)', () => {
      const refused = outcomes.filter((o) => o.status !== undefined && o.status >= 400 && o.status < 500).length;
      expect(refused).toBeGreaterThan(REQUESTS / 2);
    });

    it('still answers /health/live afterwards', async () => {
      expect((await fetch(`${stack.baseUrl}/health/live`)).status).toBe(200);
    });
  });
});

/** Real data of this stack to aim at, and open gates so the data route gets past its gate lookup. */
async function seedWorld(stack: TestStack): Promise<FuzzWorld> {
  const tag = randomUUID().slice(0, 8);
  const project = await expectStatus(stack.request('POST', '/v1/projects', { name: `fuzz ${tag}` }), 201);
  await expectStatus(
    stack.request('POST', '/v1/contacts/batch', {
      contacts: [{ externalId: `${tag}-1`, email: 'a@example.com', attributes: { tier: 'gold' } }],
    }),
    200,
  );
  const segment = await expectStatus(
    stack.request('POST', '/v1/segments', { name: 'fuzz', filter: { all: [{ attribute: 'tier', op: 'eq', value: 'gold' }] } }),
    201,
  );
  const integration = await expectStatus(
    stack.request('POST', '/v1/integrations', {
      name: 'fuzz',
      channel: 'email',
      url: `${stack.baseUrl}/sandbox/esp/messages`,
      payloadTemplate: '{"to":"${email}","subject":"${subject}"}',
    }),
    201,
  );
  await expectStatus(stack.request('POST', `/v1/integrations/${integration.id}/activate`), 200);
  const sendoutBody = {
    projectId: project.id,
    name: 'fuzz',
    segmentId: segment.id,
    integrationId: integration.id,
    content: { subject: 'Hi {{ contact.tier }}' },
  };
  // No worker runs here: the workflow waits on its task queue, which is all the sendout routes need.
  const sendout = await expectStatus(stack.request('POST', '/v1/sendouts', sendoutBody), 202);

  const webhook = await expectStatus(
    stack.request('POST', '/v1/feedback-webhooks', {
      name: 'fuzz',
      channels: ['email'],
      url: `${stack.baseUrl}/health/live`,
      auth: { type: 'jwt', algorithm: 'HS256', secret: 's'.repeat(32) },
      headers: [{ key: 'X-A', value: 'b', secret: true }],
    }),
    201,
  );
  await expectStatus(stack.request('POST', '/v1/suppressions', { channel: 'email', address: 'suppressed@example.com' }), 201);
  const delivery = await insertFeedbackDelivery(new Sql(stack.dataSource), {
    accountId: stack.accountId,
    webhookId: webhook.id,
    messageId: 1,
    state: FeedbackDeliveryState.DEAD,
  });

  const gates = stack.app.get(GateRepository);
  const openGates = [randomUUID(), randomUUID()];
  for (const id of openGates) await gates.open(id, 3_600_000);
  const signer = new TokenSigner(TEST_SIGNING_KEY);
  const forger = new TokenSigner('f'.repeat(48));
  const inAnHour = Math.floor(Date.now() / 1000) + 3_600;
  const sign = (a: string, s: string, m?: number) => signer.sign({ a, s, ...(m === undefined ? {} : { m }), exp: inAnHour });
  const [dataGate, otherGate] = openGates;
  return {
    apiKey: stack.apiKey,
    ids: {
      project: project.id,
      segment: segment.id,
      integration: integration.id,
      sendout: sendout.id,
      contact: `${tag}-1`,
      feedbackWebhook: webhook.id,
      feedbackDelivery: String(delivery.id),
      suppressedAddress: 'suppressed@example.com',
    },
    tokens: {
      valid: {
        data: [sign('data', dataGate), sign('data', otherGate), sign('data', randomUUID())],
        finish: [sign('finish', otherGate), sign('finish', randomUUID())],
        items: [sign('items', dataGate), sign('items', randomUUID())],
        reject: [sign('reject', dataGate, 1), sign('reject', randomUUID(), 2 ** 53), sign('reject', 'x'.repeat(300), -1)],
      },
      forged: [
        forger.sign({ a: 'data', s: dataGate, exp: inAnHour }),
        forger.sign({ a: 'finish', s: otherGate, exp: inAnHour }),
        'not-a-token',
        'a.b',
        '.',
        'x.y.z',
      ],
      expired: ['data', 'finish', 'items', 'reject'].map((a) => signer.sign({ a, s: dataGate, m: 1, exp: inAnHour - 7_200 })),
    },
    samples: {
      'POST /v1/projects': { name: 'fuzz project' },
      'PUT /v1/projects/:id/send-gate': { actions: [{ id: 'check-consent' }] },
      'PUT /v1/projects/:id/email-defaults': { integrationId: integration.id, gate: { enabled: true, timeout: '15m' } },
      'PUT /v1/api-keys/:id/email-defaults': { projectId: project.id, integrationId: integration.id },
      'POST /v1/contacts/batch': {
        contacts: [{ externalId: 'fuzz-1', email: 'a@example.com', phone: '+447700900123', attributes: { tier: 'gold', score: 3 } }],
      },
      'POST /v1/segments': {
        name: 'fuzz',
        filter: {
          any: [
            { attribute: 'tier', op: 'in', value: ['gold'] },
            { attribute: 'score', op: 'gt', value: 1 },
          ],
        },
      },
      'POST /v1/integrations': {
        name: 'fuzz',
        channel: 'email',
        url: `${stack.baseUrl}/sandbox/esp/messages`,
        payloadTemplate: '{"to":"${email}"}',
        headers: [{ key: 'X-A', value: 'b' }],
      },
      'PATCH /v1/integrations/:id': { name: 'renamed', rateLimitPerSecond: 10 },
      'PUT /v1/integrations/:id/auth': { type: 'basic', username: 'u', password: 'p' },
      'POST /v1/integrations/:id/test': { variables: { email: 'x@example.com' } },
      'POST /v1/sendouts': {
        ...sendoutBody,
        gate: { enabled: true, timeout: '15m', split: true, actions: [{ id: 'a' }] },
        sendAt: '2030-01-01T00:00:00Z',
        journeyName: 'j',
      },
      'PUT /v1/send-gate/endpoint': {
        transport: 'http',
        url: 'http://127.0.0.1:9/hook',
        auth: { type: 'header', name: 'X-Key', value: 'secret' },
      },
      'POST /gate/v1/reject/:token': { reason: 'no consent' },
      'POST /gate/v1/data/:token': [{ id: `${tag}-1`, data: { code: 'SPRING' } }],
      'POST /sandbox/esp/messages': { to: 'a@example.com' },
      'POST /v1/feedback-webhooks': {
        name: 'fuzz',
        channels: ['email', 'sms'],
        url: `${stack.baseUrl}/health/live`,
        auth: { type: 'jwt', algorithm: 'HS256', secret: 's'.repeat(32), issuer: 'i', audience: 'a', expiresInSeconds: 60 },
        headers: [{ key: 'X-A', value: 'b', secret: true }],
      },
      'POST /v1/suppressions': { channel: 'email', address: 'Ada@Example.com', reason: 'complaint', source: 'fuzz' },
      'PATCH /v1/feedback-webhooks/:id': { name: 'renamed', auth: { type: 'jwt', algorithm: 'HS256', secret: '********' } },
    },
  };
}

/** Sends the requests over one keep-alive pool, CONCURRENCY at a time, within DEADLINE_MS. */
async function run(baseUrl: string, build: (index: number) => FuzzRequest): Promise<Outcome[]> {
  const pool = new Pool(baseUrl, { connections: CONCURRENCY });
  const outcomes: Outcome[] = [];
  const deadline = Date.now() + DEADLINE_MS;
  let next = 0;
  const lane = async () => {
    while (next < REQUESTS && Date.now() < deadline) {
      const index = next++;
      const request = build(index);
      try {
        const response = await pool.request({ ...request, headersTimeout: 30_000, bodyTimeout: 30_000 });
        outcomes.push({ index, request, status: response.statusCode, body: await response.body.text() });
      } catch (error) {
        outcomes.push({ index, request, error: `${(error as { code?: string }).code ?? ''} ${(error as Error).message}` });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  } finally {
    await pool.close();
  }
  return outcomes;
}

function hasErrorShape(status: number, text = '', path = ''): boolean {
  try {
    const body = JSON.parse(text);
    if (path.startsWith('/email/')) {
      const error = body.requestError?.serviceException;
      return typeof error?.messageId === 'string' && typeof error.text === 'string' && error.text.length < 4_000;
    }
    return (
      body.statusCode === status && body.error === STATUS_CODES[status] && typeof body.message === 'string' && body.message.length < 4_000
    );
  } catch {
    return false;
  }
}

/** The first few offending requests, compactly; buildRequest(SEED, index) rebuilds one to replay it. */
function report(outcomes: Outcome[]): string[] {
  const cut = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max)}…(${text.length})` : text);
  return outcomes
    .slice(0, 8)
    .map(({ index, request, status, body, error }) => {
      const sent =
        request.body === undefined ? '' : ` ${cut(Buffer.isBuffer(request.body) ? request.body.toString('latin1') : request.body, 120)}`;
      const type = request.headers['content-type'] ?? '-';
      return `#${index} ${request.method} ${cut(request.path, 100)} [${type}]${sent} → ${status ?? error} ${cut(body ?? '')}`;
    })
    .concat(outcomes.length > 8 ? [`…and ${outcomes.length - 8} more (seed ${SEED})`] : []);
}
