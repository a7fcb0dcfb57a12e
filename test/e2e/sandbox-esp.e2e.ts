import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { SandboxRetentionService } from '../../apps/api/src/sandbox/sandbox-retention.service';
import { TestStack, createAccount } from '../harness';
import { expectStatus } from '../scenario';

describe.each(['mysql', 'sqlite'] as const)('the sandbox ESP on %s', (database) => {
  let stack: TestStack;
  let integrationId: string;

  beforeAll(async () => {
    stack = await TestStack.start({ database });
    const integration = await expectStatus(
      stack.request('POST', '/v1/integrations', {
        name: 'sandbox',
        channel: 'email',
        url: `${stack.baseUrl}/sandbox/esp/messages`,
        payloadTemplate: '{"to":"${email}","subject":"${subject}"}',
      }),
      201,
    );
    integrationId = integration.id;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const post = (headers: Record<string, string>, body: string) =>
    fetch(`${stack.baseUrl}/sandbox/esp/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const testKey = () => `test:${integrationId}:${randomUUID()}`;

  describe("when an integration's test call reaches it", () => {
    it("keeps the message for the integration's account, newest first, in keyset pages", async () => {
      const subjects = ['first', 'second', 'third'];
      for (const subject of subjects) {
        const tested = await expectStatus(
          stack.request('POST', `/v1/integrations/${integrationId}/test`, { variables: { email: 'ada@example.com', subject } }),
          200,
        );
        expect(tested.response.status).toBe(200);
      }

      const page = await expectStatus(stack.request('GET', '/sandbox/esp/messages?limit=2'), 200);
      expect(page.messages.map((m: any) => m.payload.subject)).toEqual(['third', 'second']);
      expect(page.messages[0]).toMatchObject({ to: 'ada@example.com', idempotencyKey: expect.stringMatching(`^test:${integrationId}:`) });
      const older = await expectStatus(stack.request('GET', `/sandbox/esp/messages?limit=2&before=${page.next}`), 200);
      expect(older.messages.map((m: any) => m.payload.subject)).toEqual(['first']);
      expect(older.next).toBeNull();
    });

    it('lists nothing without an API key', async () => {
      expect((await fetch(`${stack.baseUrl}/sandbox/esp/messages`)).status).toBe(401);
    });
  });

  describe('when the request is not one Sendgate sent', () => {
    it.each([
      ['no Idempotency-Key', {}, 400],
      ['a key of no known form', { 'idempotency-key': 'hello' }, 422],
      ['a test key of the old form', { 'idempotency-key': `test:${randomUUID()}` }, 422],
      ['the key of an unknown sendout message', { 'idempotency-key': `${randomUUID()}:1` }, 422],
      ['the test key of an unknown integration', { 'idempotency-key': `test:${randomUUID()}:${randomUUID()}` }, 422],
    ])('refuses %s, naming the header', async (_, headers, status) => {
      const response = await post(headers, '{"to":"x@example.com"}');
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ statusCode: status, field: 'Idempotency-Key' });
    });
  });

  describe('when the body is over 256 KB', () => {
    const big = JSON.stringify({ to: 'x@example.com', html: 'x'.repeat(300 * 1024) });

    it('answers 413 by its Content-Length, before reading it', async () => {
      const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(
          `${stack.baseUrl}/sandbox/esp/messages`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': testKey(), 'content-length': String(Buffer.byteLength(big)) },
          },
          (res) => {
            let body = '';
            res.on('data', (d) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        request.on('error', reject);
        request.setTimeout(10_000, () => request.destroy(new Error('no answer before the body was sent')));
        request.write(big.slice(0, 1024)); // the rest never comes: only an answer by the header can arrive
      });
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body).message).toMatch(/limit of 256 KB/);
    });

    it('answers 413 when sent chunked, without a Content-Length', async () => {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      });
      const response = await fetch(`${stack.baseUrl}/sandbox/esp/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': testKey() },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(((await response.json()) as any).message).toMatch(/limit of 256 KB/);
    });
  });

  describe('when messages are older than the retention period', () => {
    it('purges them and keeps the recent ones', async () => {
      const account = await createAccount(stack.dataSource);
      // as both drivers take a DATETIME: UTC, without the T and Z
      const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString().replace('T', ' ').replace('Z', '');
      for (const [key, at] of [
        ['old', hoursAgo(25)],
        ['recent', hoursAgo(23)],
      ] as const) {
        await stack.dataSource.query(
          'INSERT INTO sandbox_messages (account_id, idempotency_key, recipient, payload, created_at) VALUES (?, ?, NULL, ?, ?)',
          [account.accountId, `${key}-${randomUUID()}`, JSON.stringify({ key }), at],
        );
      }

      const purged = await stack.app.get(SandboxRetentionService).purge();

      expect(purged).toBeGreaterThanOrEqual(1);
      const left = await expectStatus(
        stack.request('GET', '/sandbox/esp/messages', undefined, { authorization: `Bearer ${account.apiKey}` }),
        200,
      );
      expect(left.messages.map((m: any) => m.payload.key)).toEqual(['recent']);
    });
  });
});

describe('the sandbox ESP when SENDGATE_SANDBOX_ESP is false', () => {
  it('is not there at all', async () => {
    const off = await TestStack.start({ database: 'mysql', env: { SENDGATE_SANDBOX_ESP: 'false' } });
    try {
      expect((await off.request('GET', '/sandbox/esp/messages')).status).toBe(404);
      const response = await fetch(`${off.baseUrl}/sandbox/esp/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `test:${randomUUID()}:${randomUUID()}` },
        body: '{}',
      });
      expect(response.status).toBe(404);
    } finally {
      await off.stop();
    }
  });
});
