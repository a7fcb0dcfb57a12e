import { randomUUID } from 'node:crypto';
import { TestStack } from '../harness';
import { expectStatus } from '../scenario';

describe('the REST API', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'mysql' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('without a valid API key', () => {
    it.each([
      ['no Authorization header', {}],
      ['an unknown key', { authorization: 'Bearer sg_not_a_key' }],
      ['a malformed header', { authorization: 'Basic Zm9vOmJhcg==' }],
    ])('answers 401 with %s', async (_, headers) => {
      const response = await fetch(`${stack.baseUrl}/v1/projects/${randomUUID()}`, { headers });
      expect(response.status).toBe(401);
      expect(((await response.json()) as any).message).toMatch(/API key/);
    });

    it('accepts the key in the App scheme too', async () => {
      const response = await fetch(`${stack.baseUrl}/v1/projects/${randomUUID()}`, { headers: { authorization: `App ${stack.apiKey}` } });
      expect(response.status).toBe(404);
    });

    it('leaves the health checks open', async () => {
      expect((await fetch(`${stack.baseUrl}/health/live`)).status).toBe(200);
      const ready = await fetch(`${stack.baseUrl}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'up', temporal: 'up' } });
    });
  });

  describe('with a bad body', () => {
    it.each([
      ['a project without a name', '/v1/projects', {}, 'name'],
      ['a project with an unknown field', '/v1/projects', { name: 'x', colour: 'red' }, 'colour'],
      ['a contact batch with a bad email', '/v1/contacts/batch', { contacts: [{ externalId: 'a', email: 'nope' }] }, 'contacts[0].email'],
      [
        'a contact batch with a repeated externalId',
        '/v1/contacts/batch',
        { contacts: [{ externalId: 'a' }, { externalId: 'a' }] },
        'contacts[1].externalId',
      ],
      ['an empty contact batch', '/v1/contacts/batch', { contacts: [] }, 'contacts'],
      [
        'a segment with an unknown op',
        '/v1/segments',
        { name: 's', filter: { all: [{ attribute: 'tier', op: 'like', value: 'x' }] } },
        'filter.all[0].op',
      ],
      [
        'a segment with a bad attribute name',
        '/v1/segments',
        { name: 's', filter: { any: [{ attribute: "x'--", op: 'exists' }] } },
        'filter.any[0].attribute',
      ],
      ['a segment whose filter is not a group', '/v1/segments', { name: 's', filter: { attribute: 'a', op: 'exists' } }, 'filter'],
      [
        'an integration with an unknown template variable',
        '/v1/integrations',
        { name: 'i', channel: 'email', url: 'http://127.0.0.1:9/x', payloadTemplate: '{"to":"${recipient}"}' },
        'payloadTemplate.to',
      ],
      [
        'an integration whose template is not JSON',
        '/v1/integrations',
        { name: 'i', channel: 'email', url: 'http://127.0.0.1:9/x', payloadTemplate: '{to: x}' },
        'payloadTemplate',
      ],
      [
        'an integration with a bad channel',
        '/v1/integrations',
        { name: 'i', channel: 'fax', url: 'http://127.0.0.1:9/x', payloadTemplate: '{}' },
        'channel',
      ],
      [
        'an integration with a non-http URL',
        '/v1/integrations',
        { name: 'i', channel: 'email', url: 'ftp://example.com/x', payloadTemplate: '{}' },
        'url',
      ],
      [
        'a sendout without content',
        '/v1/sendouts',
        { projectId: randomUUID(), name: 'x', segmentId: randomUUID(), integrationId: randomUUID() },
        'content',
      ],
      [
        'a sendout with a broken Liquid template',
        '/v1/sendouts',
        {
          projectId: randomUUID(),
          name: 'x',
          segmentId: randomUUID(),
          integrationId: randomUUID(),
          content: { subject: 'Hi {{ contact.name ' },
        },
        'content.subject',
      ],
      [
        'a sendout with both a segment and contacts',
        '/v1/sendouts',
        {
          projectId: randomUUID(),
          name: 'x',
          segmentId: randomUUID(),
          contactIds: ['a'],
          integrationId: randomUUID(),
          content: { text: 'x' },
        },
        'segmentId',
      ],
      [
        'a campaign sendout with another gate timeout than 1 hour',
        '/v1/sendouts',
        {
          projectId: randomUUID(),
          name: 'x',
          segmentId: randomUUID(),
          integrationId: randomUUID(),
          content: { text: 'x' },
          mode: 'campaign',
          gate: { enabled: true, timeout: '30m' },
        },
        'gate.timeout',
      ],
      [
        'a gate timeout that is not a duration',
        '/v1/sendouts',
        {
          projectId: randomUUID(),
          name: 'x',
          segmentId: randomUUID(),
          integrationId: randomUUID(),
          content: { text: 'x' },
          gate: { enabled: true, timeout: 'soon' },
        },
        'gate.timeout',
      ],
      [
        'a gate action without an id',
        '/v1/sendouts',
        {
          projectId: randomUUID(),
          name: 'x',
          segmentId: randomUUID(),
          integrationId: randomUUID(),
          content: { text: 'x' },
          gate: { enabled: true, actions: [{ name: 'x' }] },
        },
        'gate.actions[0].id',
      ],
      [
        'a single sendout to a segment',
        '/v1/sendouts',
        {
          projectId: randomUUID(),
          name: 'x',
          kind: 'single',
          segmentId: randomUUID(),
          integrationId: randomUUID(),
          content: { text: 'x' },
        },
        'contactIds',
      ],
      [
        'a sendAt that is not a date',
        '/v1/sendouts',
        {
          projectId: randomUUID(),
          name: 'x',
          segmentId: randomUUID(),
          integrationId: randomUUID(),
          content: { text: 'x' },
          sendAt: 'tomorrow',
        },
        'sendAt',
      ],
    ])('answers 400 naming the field for %s', async (_, path, body, field) => {
      const response = await stack.request('POST', path, body);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(response.body.message).toContain(field);
    });

    it.each([
      ['an unknown transport', { transport: 'ftp' }, 'transport'],
      ['an http endpoint without a URL', { transport: 'http' }, 'url'],
      ['an unknown auth type', { transport: 'http', url: 'http://127.0.0.1:9/x', auth: { type: 'oauth' } }, 'auth.type'],
      [
        'basic auth without a password',
        { transport: 'http', url: 'http://127.0.0.1:9/x', auth: { type: 'basic', username: 'u' } },
        'auth.password',
      ],
    ])('answers 400 naming the field for a gate endpoint with %s', async (_, body, field) => {
      const response = await stack.request('PUT', '/v1/send-gate/endpoint', body);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('answers 400 naming the action for project gate actions without ids', async () => {
      const project = await expectStatus(stack.request('POST', '/v1/projects', { name: `gate actions ${randomUUID()}` }), 201);
      const response = await stack.request('PUT', `/v1/projects/${project.id}/send-gate`, { actions: [{ id: 'ok' }, { label: 'no id' }] });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].field).toBe('actions[1].id');
    });

    it('accepts a body-less POST sent with a JSON content type', async () => {
      const response = await fetch(`${stack.baseUrl}/v1/sendouts/${randomUUID()}/cancel`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      });
      expect(response.status).toBe(404);
    });

    it('answers 400 for a body that is not JSON', async () => {
      const response = await fetch(`${stack.baseUrl}/v1/projects`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: '{"name":',
      });
      expect(response.status).toBe(400);
    });
  });

  describe('with unknown ids', () => {
    it.each([['/v1/projects/'], ['/v1/segments/'], ['/v1/integrations/'], ['/v1/sendouts/'], ['/v1/contacts/']])(
      'answers 404 for GET %s<unknown>',
      async (prefix) => {
        const response = await stack.request('GET', `${prefix}${randomUUID()}`);
        expect(response.status).toBe(404);
      },
    );

    it('answers 404 naming the field for a sendout with an unknown project', async () => {
      const response = await stack.request('POST', '/v1/sendouts', {
        projectId: randomUUID(),
        name: 'x',
        segmentId: randomUUID(),
        integrationId: randomUUID(),
        content: { text: 'x' },
      });
      expect(response.status).toBe(404);
      expect(response.body.field).toBe('projectId');
    });

    it("does not show another account's project", async () => {
      const other = await TestStack.start({ database: 'mysql' });
      try {
        const project = await expectStatus(other.request('POST', '/v1/projects', { name: 'private' }), 201);
        expect((await stack.request('GET', `/v1/projects/${project.id}`)).status).toBe(404);
      } finally {
        await other.stop();
      }
    });
  });

  describe('contacts and segments', () => {
    it('upserts contacts by externalId and counts a segment over columns and attributes', async () => {
      const tag = randomUUID().slice(0, 8);
      const contacts = [
        { externalId: `${tag}-1`, email: 'a@example.com', attributes: { tag, tier: 'gold', score: 10, vip: true } },
        { externalId: `${tag}-2`, email: 'b@example.com', attributes: { tag, tier: 'silver', score: 75 } },
        { externalId: `${tag}-3`, phone: '+447700900123', attributes: { tag, tier: 'gold', score: 99.5 } },
      ];
      await expectStatus(stack.request('POST', '/v1/contacts/batch', { contacts }), 200);
      await expectStatus(
        stack.request('POST', '/v1/contacts/batch', { contacts: [{ ...contacts[1], attributes: { tag, tier: 'gold', score: 80 } }] }),
        200,
      );
      const updated = await expectStatus(stack.request('GET', `/v1/contacts/${tag}-2`), 200);
      expect(updated.attributes.tier).toBe('gold');

      const count = async (filter: unknown) => {
        const segment = await expectStatus(stack.request('POST', '/v1/segments', { name: 'q', filter }), 201);
        return (await expectStatus(stack.request('GET', `/v1/segments/${segment.id}/count`), 200)).count;
      };
      const mine = { attribute: 'tag', op: 'eq', value: tag };
      expect(await count({ all: [mine, { attribute: 'tier', op: 'eq', value: 'gold' }] })).toBe(3);
      expect(await count({ all: [mine, { attribute: 'score', op: 'gt', value: 50 }] })).toBe(2);
      expect(await count({ all: [mine, { attribute: 'score', op: 'lt', value: 50 }] })).toBe(1);
      expect(await count({ all: [mine, { attribute: 'email', op: 'exists' }] })).toBe(2);
      expect(await count({ all: [mine, { attribute: 'vip', op: 'eq', value: true }] })).toBe(1);
      expect(await count({ all: [mine, { attribute: 'vip', op: 'neq', value: true }] })).toBe(2);
      expect(await count({ all: [mine, { attribute: 'score', op: 'in', value: [10, 99.5] }] })).toBe(2);
      expect(
        await count({
          all: [
            mine,
            {
              any: [
                { attribute: 'phone', op: 'exists' },
                { attribute: 'externalId', op: 'eq', value: `${tag}-1` },
              ],
            },
          ],
        }),
      ).toBe(2);
    });
  });
});
