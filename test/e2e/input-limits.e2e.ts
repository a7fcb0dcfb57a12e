import { randomUUID } from 'node:crypto';
import { TokenSigner } from '../../libs/crypto/src/signed-token';
import { GateRepository } from '../../libs/database/src/repositories/gate.repository';
import { GateUris } from '../../libs/gate/src/gate-uris';
import { TEST_SIGNING_KEY, TestStack } from '../harness';
import { expectStatus } from '../scenario';

const MB = 1024 * 1024;

describe('bounded input', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'mysql' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const post = (path: string, body: string | Buffer, contentType = 'application/json') =>
    fetch(`${stack.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': contentType },
      body,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  const sendout = (extra: Record<string, unknown>) => ({
    projectId: randomUUID(),
    name: 'x',
    segmentId: randomUUID(),
    integrationId: randomUUID(),
    content: { text: 'x' },
    ...extra,
  });

  describe('body limits', () => {
    it('answers 413 naming the limit for a body over 1 MB on an ordinary route', async () => {
      const response = await post('/v1/projects', JSON.stringify({ name: 'x'.repeat(MB + 1) }));
      expect(response.status).toBe(413);
      expect(response.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: expect.stringContaining('1 MB'), limit: MB });
    });

    it('accepts a contact batch of several MB', async () => {
      const tag = randomUUID().slice(0, 8);
      const contacts = Array.from({ length: 2_000 }, (_, i) => ({ externalId: `${tag}-${i}`, attributes: { note: 'n'.repeat(1_500) } }));
      const response = await post('/v1/contacts/batch', JSON.stringify({ contacts }));
      expect(response).toEqual({ status: 200, body: { received: 2_000 } });
    });
  });

  describe('gate URIs', () => {
    const overLimit = Buffer.alloc(33 * MB, 0x20);
    const inAnHour = () => Math.floor(Date.now() / 1000) + 3_600;

    it('answer 401 to a forged token before reading a body over the route limit', async () => {
      const forged = new TokenSigner('f'.repeat(48)).sign({ a: 'data', s: randomUUID(), exp: inAnHour() });
      const response = await post(`/gate/v1/data/${forged}`, overLimit);
      expect(response).toEqual({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'this gate URI is not valid' } });
    });

    it('answer 410 to an expired token before reading the body', async () => {
      const expired = new TokenSigner(TEST_SIGNING_KEY).sign({ a: 'reject', s: randomUUID(), m: 1, exp: inAnHour() - 7_200 });
      const response = await post(`/gate/v1/reject/${expired}`, overLimit);
      expect(response).toEqual({ status: 410, body: { statusCode: 410, error: 'Gone', message: 'this gate URI has expired' } });
    });

    describe('when data is attached to an open gate', () => {
      let dataUri: string;

      beforeAll(async () => {
        // No worker runs here: the gate is opened as the workflow's activity would open it.
        const sendoutId = randomUUID();
        const gate = await stack.app.get(GateRepository).open(sendoutId, 3_600_000);
        dataUri = new URL(stack.app.get(GateUris).data(sendoutId, gate.expiresAt)).pathname;
      });

      it('takes entries of up to 16 KB each', async () => {
        const response = await post(
          dataUri,
          JSON.stringify([
            { id: 'a', data: { code: 'x'.repeat(16_000) } },
            { id: 'b', data: { code: 'B' } },
          ]),
        );
        expect(response).toEqual({ status: 200, body: { received: 2 } });
      });

      it('refuses an entry over 16 KB, naming it', async () => {
        const response = await post(
          dataUri,
          JSON.stringify([
            { id: 'a', data: {} },
            { id: 'big', data: { code: 'x'.repeat(17_000) } },
          ]),
        );
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([{ field: 'items[1].data', message: expect.stringMatching(/"big".*16 KB/) }]);
      });

      it('refuses a field name every object inherits, in NDJSON too', async () => {
        const response = await post(dataUri, '{"id":"a","data":{}}\n{"id":"b","data":{"constructor":1}}', 'application/x-ndjson');
        expect(response.status).toBe(400);
        expect(response.body.errors[0].field).toBe('items[1].data');
      });
    });
  });

  describe('bad bodies', () => {
    it.each([
      ['invalid JSON', '{"name":', 'application/json', 400, 'the body is not valid JSON'],
      ['JSON nested 100,000 deep', `{"name":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'application/json', 400, 'levels deep'],
      ['a __proto__ key', '{"name":"x","__proto__":{"admin":true}}', 'application/json', 400, '__proto__'],
      [
        'bad UTF-8 bytes',
        Buffer.concat([Buffer.from('{"name":"bad '), Buffer.from([0xff, 0xc0, 0x80]), Buffer.from('"}')]),
        'application/json',
        400,
        'not valid UTF-8',
      ],
      ['an unpaired surrogate', '{"name":"\\ud800"}', 'application/json', 400, 'name is not valid Unicode'],
      ['an array instead of an object', '[{"name":"x"}]', 'application/json', 400, 'must be a JSON object'],
      ['XML', '<project/>', 'application/xml', 415, 'application/xml'],
      ['plain text', 'name=x', 'text/plain', 415, 'text/plain'],
    ])('answers %s with a 4xx in the common shape', async (_, body, contentType, status, message) => {
      const response = await post('/v1/projects', body, contentType);
      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({
        statusCode: status,
        error: expect.any(String),
        message: expect.stringContaining(message as string),
      });
    });
  });

  describe('ids and values that do not fit', () => {
    it.each([
      ['/v1/sendouts/not-a-uuid', 'id'],
      [`/v1/projects/${'x'.repeat(1_000)}`, 'id'],
      [`/v1/integrations/${randomUUID()}x`, 'id'],
      [`/v1/contacts/${'x'.repeat(192)}`, 'externalId'],
    ])('answers 400 naming the parameter for GET %s', async (path, field) => {
      const response = await stack.request('GET', path);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field, message: expect.any(String) }]);
    });

    it('answers 414 in the common shape for a path segment over 1,024 characters', async () => {
      const response = await stack.request('GET', `/v1/sendouts/${'x'.repeat(10_000)}`);
      expect(response).toEqual({ status: 414, body: { statusCode: 414, error: 'URI Too Long', message: expect.any(String) } });
    });

    it.each([['0999-12-31T23:59:59Z'], ['0001-01-01T00:00:00Z']])('answers 400 naming sendAt for %s', async (sendAt) => {
      const response = await stack.request('POST', '/v1/sendouts', sendout({ sendAt }));
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(['sendAt']);
    });

    it('answers 400 naming payloadTemplate for a template nested 10,000 deep', async () => {
      const payloadTemplate = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const response = await stack.request('POST', '/v1/integrations', {
        name: 'deep',
        channel: 'email',
        url: 'http://127.0.0.1:9/x',
        payloadTemplate,
      });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'payloadTemplate', message: expect.stringContaining('levels deep') }]);
    });

    it('answers 400 naming the contact whose attributes are over 16 KB', async () => {
      const contacts = [
        { externalId: 'small', attributes: { a: 1 } },
        { externalId: 'large', attributes: { a: 'x'.repeat(17_000) } },
      ];
      const response = await stack.request('POST', '/v1/contacts/batch', { contacts });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'contacts[1].attributes', message: expect.stringContaining('16 KB') }]);
    });

    it.each([['constructor'], ['toString'], ['hasOwnProperty']])(
      'answers 400 naming the contact for an attribute named %s',
      async (name) => {
        const response = await stack.request('POST', '/v1/contacts/batch', {
          contacts: [{ externalId: 'c', attributes: { [name]: 'x' } }],
        });
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([{ field: 'contacts[0].attributes', message: expect.stringContaining(name) }]);
      },
    );

    it('answers 400 naming the field for a segment over an attribute named constructor', async () => {
      const response = await stack.request('POST', '/v1/segments', {
        name: 's',
        filter: { all: [{ attribute: 'constructor', op: 'exists' }] },
      });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'filter.all[0].attribute', message: expect.stringContaining('reserved') }]);
    });

    it('answers 400, not 500, for a contact list given in place of an object', async () => {
      const response = await stack.request('POST', '/v1/contacts/batch', { contacts: [[]] });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].field).toBe('contacts');
    });
  });

  it('shows readiness per dependency', async () => {
    const ready = await expectStatus(stack.request('GET', '/health/ready'), 200);
    expect(ready).toEqual({ status: 'ok', checks: { database: 'up', temporal: 'up' } });
  });
});
