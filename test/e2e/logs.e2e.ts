/**
 * Structured logs of the real stack: the API's lines (captured from its log destination) and a
 * worker's (its stdout and stderr) are JSON; a request is one line with its masked URL; a
 * sendout's activity lines name it; no secret and no capability token is ever written.
 */
import { randomUUID } from 'node:crypto';
import { CAPABILITY_ROUTES } from '../../libs/logging/src';
import { EspReceiver } from '../esp-receiver';
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack, WorkerProcess } from '../harness';
import { listRoutes } from '../routes';
import { expectStatus, seedSendout, waitForStage } from '../scenario';
import { waitFor } from '../wait';

const PASSWORD = 'basic-pa55word-for-logs';
const SECRET_HEADER = 'x-api-key-s3cret-for-logs';

type Line = Record<string, any>;

const jsonLines = (text: string): Line[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);

describe('structured logs', () => {
  let gated: GatedStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let worker: WorkerProcess;

  beforeAll(async () => {
    ({ stack, esp } = gated = await startGatedStack({ worker: false, apiLogLevel: 'info' }));
    worker = await stack.startWorker({ SENDGATE_LOG_LEVEL: 'debug' });
  });

  afterAll(async () => {
    await gated?.stop();
  });

  it('logs each API request as one JSON line with method, masked URL, status, time and request id', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/sendouts/${randomUUID()}`, {
      headers: { authorization: `Bearer ${stack.apiKey}`, 'x-request-id': 'logs-e2e-lookup' },
    });
    await fetch(`${stack.baseUrl}/health/live`);

    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('logs-e2e-lookup');
    const line = stack.apiLog.lines.find((l) => l.reqId === 'logs-e2e-lookup');
    expect(line).toMatchObject({
      level: 'info',
      name: 'api',
      req: { method: 'GET', url: expect.stringMatching(/^\/v1\/sendouts\/[0-9a-f-]{36}$/) },
      res: { statusCode: 404 },
      responseTime: expect.any(Number),
    });
    expect(line).not.toHaveProperty('req.headers');
    // probes are debug: not at info
    expect(stack.apiLog.lines.some((l) => l.req?.url === '/health/live')).toBe(false);
    expect(stack.apiLog.text).not.toContain(stack.apiKey);
  });

  it('masks the token of every public route that carries one', async () => {
    const tokenRoutes = listRoutes(stack.app).filter((route) => route.path.includes(':token'));
    expect([...new Set(tokenRoutes.map((r) => r.path))].sort()).toEqual([...CAPABILITY_ROUTES].sort());

    const tokens = tokenRoutes.map(() => `forged.${randomUUID()}`);
    for (const [i, route] of tokenRoutes.entries()) {
      const response = await fetch(`${stack.baseUrl}${route.path.replace(':token', tokens[i])}`, { method: route.method });
      // an unsubscribe link that is not ours is simply not found
      expect(response.status).toBe(route.path.startsWith('/u/') ? 404 : 401);
    }

    const masked = stack.apiLog.lines
      .filter((l) => l.res?.statusCode === 401 || l.res?.statusCode === 404)
      .map((l) => `${l.req.method} ${l.req.url}`);
    for (const route of tokenRoutes) expect(masked).toContain(`${route.method} ${route.path.replace(':token', '***')}`);
    for (const token of tokens) expect(stack.apiLog.text).not.toContain(token);
  });

  it("keeps a sendout's secrets and gate tokens out of every log, and names the sendout on the worker's lines", async () => {
    // The ESP refuses the sendout's first message with a 503: the page is retried, and that is logged.
    let refused = false;
    esp.respond = (req) => {
      if (refused || req.key.startsWith('test:')) return { status: 200 };
      refused = true;
      return { status: 503, body: { error: 'busy' } };
    };
    const seed = await seedSendout(stack, { contacts: 3, espUrl: esp.url });
    const integration = await expectStatus(
      stack.request('POST', '/v1/integrations', {
        name: 'logged ESP',
        channel: 'email',
        url: esp.url,
        headers: [{ key: 'X-Api-Key', value: SECRET_HEADER, secret: true }],
        payloadTemplate: '{"to":"${email}","subject":"${subject}"}',
      }),
      201,
    );
    await expectStatus(
      stack.request('PUT', `/v1/integrations/${integration.id}/auth`, { type: 'basic', username: 'acme', password: PASSWORD }),
      200,
    );
    await expectStatus(stack.request('POST', `/v1/integrations/${integration.id}/test`, {}), 200);
    await expectStatus(stack.request('POST', `/v1/integrations/${integration.id}/activate`), 200);
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'logged',
        segmentId: seed.segmentId,
        integrationId: integration.id,
        content: { subject: 'Hi {{ contact.firstName }}' },
        gate: { enabled: true, timeout: '2m' },
      }),
      202,
    );
    const hook = await webhookFor(gated.integrator, sendout.id);
    const items = (await (await fetch(hook.itemDownloadUri)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { cancelUri: string });
    expect((await fetch(items[0].cancelUri, { method: 'POST' })).status).toBe(200);
    expect((await fetch(hook.finishUri, { method: 'POST' })).status).toBe(200);
    await waitForStage(stack, sendout.id, 'COMPLETED', 60_000);

    // The API: JSON lines, the gate's requests with masked URLs.
    const answered = stack.apiLog.lines.filter((l) => l.req).map((l) => `${l.req.method} ${l.req.url} ${l.res.statusCode}`);
    expect(answered).toEqual(
      expect.arrayContaining([
        'POST /v1/sendouts 202',
        'GET /gate/v1/items/*** 200',
        'POST /gate/v1/reject/*** 200',
        'POST /gate/v1/finish/*** 200',
      ]),
    );

    // The worker: every line JSON; its activities' lines name the sendout, the workflow and the activity.
    // (The SDK holds its logger's lines up to 100 ms to order them: the workflow's last one comes last.)
    await waitFor("the workflow's last log line", 10_000, () =>
      jsonLines(worker.log).some((l) => l.workflowId === sendout.workflowId && l.msg === 'Workflow completed'),
    );
    const lines = jsonLines(worker.log);
    const ofSendout = lines.filter((l) => l.sendoutId === sendout.id);
    expect(ofSendout.find((l) => l.activity === 'generateMessages' && l.msg === 'generated 3 messages')).toMatchObject({
      level: 'info',
      workflowId: sendout.workflowId,
    });
    expect(ofSendout.find((l) => l.activity === 'closeGate')).toMatchObject({ msg: 'gate ACCEPTED', accepted: 2, rejected: 1 });
    expect(ofSendout.find((l) => l.activity === 'sendMessagePage' && l.retryReason === '5xx')).toMatchObject({
      level: 'warn',
      workflowId: sendout.workflowId,
      status: 503,
    });
    // the SDK's own line for the failed attempt carries them too
    expect(ofSendout.find((l) => l.msg === 'Activity failed')).toMatchObject({
      activity: 'sendMessagePage',
      workflowId: sendout.workflowId,
      err: { message: expect.stringContaining('to retry') },
    });
    expect(ofSendout.find((l) => l.msg === 'sendout completed')).toMatchObject({ activity: 'completeSendout', counts: { SENT: 2 } });
    // workflow lines (here the SDK's lifecycle, at debug) come through the sink with the workflow's id
    expect(lines.find((l) => l.workflowId === sendout.workflowId && l.msg === 'Workflow completed')).toMatchObject({
      workflowType: 'sendoutWorkflow',
    });

    const basic = Buffer.from(`acme:${PASSWORD}`).toString('base64');
    const gateTokens = [hook.finishUri, hook.itemDownloadUri, items[0].cancelUri].map((uri: string) => uri.split('/').pop()!);
    for (const secret of [PASSWORD, SECRET_HEADER, basic, stack.apiKey, ...gateTokens]) {
      expect(stack.apiLog.text).not.toContain(secret);
      expect(worker.log).not.toContain(secret);
    }
  });
});
