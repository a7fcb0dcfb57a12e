import { SecretBox } from '../../libs/crypto/src/secret-box';
import { EspReceiver } from '../esp-receiver';
import { TEST_ENCRYPTION_KEY, TestStack } from '../harness';
import { expectStatus } from '../scenario';

const RESEND = /send the secret again: it does not follow the (integration|endpoint) to a new host/;

/** Whoever may edit a URL must not be able to send the stored secrets to a host of their choosing. */
describe('secrets and a new host', () => {
  let stack: TestStack;
  let esp: EspReceiver;
  let elsewhere: EspReceiver;

  beforeAll(async () => {
    [esp, elsewhere] = await Promise.all([new EspReceiver().start(), new EspReceiver().start()]);
    stack = await TestStack.start();
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([esp?.stop(), elsewhere?.stop()]);
  });

  const fields = (body: { errors: Array<{ field: string }> }) => body.errors.map((e) => e.field);

  describe('PATCH /v1/integrations/:id', () => {
    async function integration() {
      const created = await expectStatus(
        stack.request('POST', '/v1/integrations', {
          name: 'moving esp',
          channel: 'email',
          url: esp.url,
          payloadTemplate: '{"to":"${email}"}',
          headers: [
            { key: 'X-Api-Key', value: 'stored-s3cret', secret: true },
            { key: 'X-Tenant', value: 'acme' },
          ],
        }),
        201,
      );
      await expectStatus(
        stack.request('PUT', `/v1/integrations/${created.id}/auth`, { type: 'basic', username: 'acme', password: 'stored-pa55' }),
        200,
      );
      return created.id as string;
    }

    it('keeps masked secrets while the origin stays the same', async () => {
      const id = await integration();
      await expectStatus(
        stack.request('PATCH', `/v1/integrations/${id}`, {
          url: `${esp.url}?v=2`,
          headers: [{ key: 'X-Api-Key', value: '********', secret: true }],
        }),
        200,
      );

      await expectStatus(stack.request('POST', `/v1/integrations/${id}/test`, {}), 200);

      const received = esp.requests.at(-1)!;
      expect(received.headers['x-api-key']).toBe('stored-s3cret');
      expect(received.headers.authorization).toBe(`Basic ${Buffer.from('acme:stored-pa55').toString('base64')}`);
    });

    it('refuses another origin unless every secret is sent again, naming what is missing', async () => {
      const id = await integration();

      const bare = await stack.request('PATCH', `/v1/integrations/${id}`, { url: elsewhere.url });
      const masked = await stack.request('PATCH', `/v1/integrations/${id}`, {
        url: elsewhere.url,
        headers: [{ key: 'X-Api-Key', value: '********', secret: true }],
        auth: { type: 'basic', username: 'acme', password: '********' },
      });

      expect(bare.status).toBe(400);
      expect(fields(bare.body)).toEqual(['headers', 'auth']);
      expect(bare.body.message).toMatch(RESEND);
      expect(masked.status).toBe(400);
      expect(fields(masked.body)).toEqual(['headers[0].value']);
      expect((await expectStatus(stack.request('GET', `/v1/integrations/${id}`), 200)).url).toBe(esp.url);
    });

    it('moves with the secrets sent again, and the new host gets only those', async () => {
      const id = await integration();
      const moved = await expectStatus(
        stack.request('PATCH', `/v1/integrations/${id}`, {
          url: elsewhere.url,
          headers: [{ key: 'X-Api-Key', value: 'new-s3cret', secret: true }],
          auth: { type: 'basic', username: 'acme', password: 'new-pa55' },
        }),
        200,
      );
      expect(moved).toMatchObject({ url: elsewhere.url, auth: { type: 'basic', username: 'acme', password: '********' } });

      await expectStatus(stack.request('POST', `/v1/integrations/${id}/test`, {}), 200);

      const received = elsewhere.requests.at(-1)!;
      expect(received.headers['x-api-key']).toBe('new-s3cret');
      expect(received.headers.authorization).toBe(`Basic ${Buffer.from('acme:new-pa55').toString('base64')}`);
      expect(elsewhere.requests.some((r) => JSON.stringify(r.headers).includes('stored-'))).toBe(false);
    });

    it('moves when the secrets are dropped instead', async () => {
      const id = await integration();
      const moved = await expectStatus(
        stack.request('PATCH', `/v1/integrations/${id}`, {
          url: elsewhere.url,
          headers: [{ key: 'X-Tenant', value: 'acme' }],
          auth: { type: 'none' },
        }),
        200,
      );
      expect(moved).toMatchObject({
        url: elsewhere.url,
        headers: [{ key: 'X-Tenant', value: 'acme', secret: false }],
        auth: { type: 'none' },
      });
    });
  });

  describe('POST /v1/integrations/:id/test with an OAuth2 token endpoint that now refuses', () => {
    it("answers the test result with the token endpoint's refusal, and calls no ESP", async () => {
      const tokens = await new EspReceiver().start();
      tokens.respond = () => ({ status: 200, body: { access_token: 'live', token_type: 'Bearer', expires_in: 600 } });
      try {
        const created = await expectStatus(
          stack.request('POST', '/v1/integrations', {
            name: 'oauth esp',
            channel: 'email',
            url: elsewhere.url,
            payloadTemplate: '{"to":"${email}"}',
          }),
          201,
        );
        await expectStatus(
          stack.request('PUT', `/v1/integrations/${created.id}/auth`, {
            type: 'oauth2',
            tokenUrl: tokens.url,
            clientId: 'sendgate',
            clientSecret: 'client-s3cret',
          }),
          200,
        );
        tokens.respond = () => ({ status: 401, body: { error: 'invalid_client', error_description: 'client revoked' } });
        const before = elsewhere.requests.length;

        const tested = await expectStatus(stack.request('POST', `/v1/integrations/${created.id}/test`, {}), 200);

        expect(tested.response).toMatchObject({
          error: 'the token endpoint refused the credentials (invalid_client: client revoked)',
          tokenEndpoint: { status: 401, body: { error: 'invalid_client' } },
        });
        expect(tested.request.headers.authorization).toBe('Bearer ********');
        expect(elsewhere.requests).toHaveLength(before);
      } finally {
        await tokens.stop();
      }
    });
  });

  describe('PUT /v1/send-gate/endpoint', () => {
    const hook = (url: string, value: string) => ({ transport: 'http', url, auth: { type: 'header', name: 'X-Api-Key', value } });

    it('keeps a masked secret for the same origin only', async () => {
      await expectStatus(stack.request('PUT', '/v1/send-gate/endpoint', hook(esp.url, 'gate-s3cret')), 200);
      await expectStatus(stack.request('PUT', '/v1/send-gate/endpoint', hook(`${esp.url}?v=2`, '********')), 200);
      await expectStatus(stack.request('POST', '/v1/send-gate/endpoint/test'), 200);
      expect(esp.requests.at(-1)!.headers['x-api-key']).toBe('gate-s3cret');

      const moved = await stack.request('PUT', '/v1/send-gate/endpoint', hook(elsewhere.url, '********'));

      expect(moved.status).toBe(400);
      expect(moved.body.errors).toEqual([{ field: 'auth.value', message: expect.stringMatching(RESEND) }]);
      expect((await expectStatus(stack.request('GET', '/v1/send-gate/endpoint'), 200)).url).toBe(`${esp.url}?v=2`);
    });

    it('keeps a masked SQS secret key only for the same queue, endpoint, region and access key', async () => {
      const queue = {
        transport: 'sqs',
        queueUrl: `${esp.url}/000000000000/gate`,
        region: 'eu-west-1',
        accessKeyId: 'AKIASENDGATE',
        endpoint: new URL(esp.url).origin,
      };
      await expectStatus(stack.request('PUT', '/v1/send-gate/endpoint', { ...queue, secretAccessKey: 'sqs-s3cret' }), 200);
      await expectStatus(stack.request('PUT', '/v1/send-gate/endpoint', { ...queue, secretAccessKey: '********' }), 200);
      const [row] = await stack.dataSource.query('SELECT secrets FROM send_gate_endpoints WHERE account_id = ?', [stack.accountId]);
      const box = new SecretBox({ test: Buffer.from(TEST_ENCRYPTION_KEY, 'base64') }, 'test');
      expect(JSON.parse(box.open(row.secrets))).toEqual({ secretAccessKey: 'sqs-s3cret' });

      for (const moved of [
        { queueUrl: `${elsewhere.url}/000000000000/gate` },
        { endpoint: new URL(elsewhere.url).origin },
        { region: 'us-east-1' },
        { accessKeyId: 'AKIAOTHER' },
      ]) {
        const response = await stack.request('PUT', '/v1/send-gate/endpoint', { ...queue, ...moved, secretAccessKey: '********' });
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([{ field: 'secretAccessKey', message: expect.stringMatching(RESEND) }]);
      }
    });
  });
});
