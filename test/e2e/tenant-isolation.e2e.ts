import { randomUUID } from 'node:crypto';
import { TestStack, createAccount } from '../harness';
import { expectStatus, seedSendout, waitForStage } from '../scenario';

/**
 * Two accounts on one stack: B, knowing every id of A's, reaches none of A's data. Each refusal is
 * a 404, as for an id that does not exist, so B cannot even learn that A's ids are real.
 */
describe('two accounts on one stack', () => {
  let stack: TestStack;
  let b: { accountId: string; apiKey: string };
  const a = {} as { projectId: string; segmentId: string; integrationId: string; sendoutId: string; externalId: string; apiKeyId: string };
  const asB = (method: string, path: string, body?: unknown) => stack.request(method, path, body, { authorization: `Bearer ${b.apiKey}` });

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'mysql' });
    await stack.startWorker();
    b = await createAccount(stack.dataSource);

    // A: a real sendout through the sandbox ESP, a gate endpoint, an API key
    const seed = await seedSendout(stack, { contacts: 3, espUrl: `${stack.baseUrl}/sandbox/esp/messages` });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'private',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'Hello {{ contact.firstName }}', html: '<p>for A only</p>' },
      }),
      202,
    );
    const done = await waitForStage(stack, sendout.id, 'COMPLETED');
    expect(done.counts.SENT).toBe(3);
    await expectStatus(stack.request('PUT', '/v1/send-gate/endpoint', { transport: 'http', url: 'http://127.0.0.1:9/hook' }), 200);
    const { keys } = await expectStatus(stack.request('GET', '/v1/api-keys'), 200);
    Object.assign(a, { ...seed, sendoutId: sendout.id, externalId: `${seed.tag}-0`, apiKeyId: keys[0].id });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe("when B asks for A's data by id", () => {
    it.each<[string, () => [string, string, unknown?]]>([
      ['read a project', () => ['GET', `/v1/projects/${a.projectId}`]],
      ["set a project's gate actions", () => ['PUT', `/v1/projects/${a.projectId}/send-gate`, { actions: [{ id: 'x' }] }]],
      ['read a segment', () => ['GET', `/v1/segments/${a.segmentId}`]],
      ['count a segment', () => ['GET', `/v1/segments/${a.segmentId}/count`]],
      ['read a contact by externalId', () => ['GET', `/v1/contacts/${a.externalId}`]],
      ['read an integration', () => ['GET', `/v1/integrations/${a.integrationId}`]],
      ['change an integration', () => ['PATCH', `/v1/integrations/${a.integrationId}`, { name: 'taken over' }]],
      ["set an integration's auth", () => ['PUT', `/v1/integrations/${a.integrationId}/auth`, { type: 'none' }]],
      ['test an integration', () => ['POST', `/v1/integrations/${a.integrationId}/test`, {}]],
      ['activate an integration', () => ['POST', `/v1/integrations/${a.integrationId}/activate`]],
      ["rotate an integration's callback URL", () => ['POST', `/v1/integrations/${a.integrationId}/callback-url/rotate`]],
      ["list an integration's callback events", () => ['GET', `/v1/integrations/${a.integrationId}/callback-events`]],
      ['delete an integration', () => ['DELETE', `/v1/integrations/${a.integrationId}`]],
      ['read a sendout', () => ['GET', `/v1/sendouts/${a.sendoutId}`]],
      ['cancel a sendout', () => ['POST', `/v1/sendouts/${a.sendoutId}/cancel`]],
      ["list a sendout's messages", () => ['GET', `/v1/sendouts/${a.sendoutId}/messages?path=accepted`]],
      ['read the gate endpoint', () => ['GET', '/v1/send-gate/endpoint']],
      ['test the gate endpoint', () => ['POST', '/v1/send-gate/endpoint/test']],
      ['revoke an API key', () => ['DELETE', `/v1/api-keys/${a.apiKeyId}`]],
    ])('answers 404 to %s', async (_, call) => {
      const [method, path, body] = call();
      const response = await asB(method, path, body);
      expect(response.status).toBe(404);
    });

    it.each(['projectId', 'segmentId', 'integrationId'] as const)(
      "answers 404 naming %s for a sendout with A's id there",
      async (field) => {
        const project = await expectStatus(asB('POST', '/v1/projects', { name: `B ${randomUUID()}` }), 201);
        const segment = await expectStatus(
          asB('POST', '/v1/segments', { name: 'B', filter: { all: [{ attribute: 'tier', op: 'exists' }] } }),
          201,
        );
        const integration = await expectStatus(
          asB('POST', '/v1/integrations', {
            name: 'B',
            channel: 'email',
            url: `${stack.baseUrl}/sandbox/esp/messages`,
            payloadTemplate: '{"to":"${email}"}',
          }),
          201,
        );
        await expectStatus(asB('POST', `/v1/integrations/${integration.id}/activate`), 200);
        const own = { projectId: project.id, segmentId: segment.id, integrationId: integration.id };

        const response = await asB('POST', '/v1/sendouts', { name: 'x', content: { text: 'x' }, ...own, [field]: a[field] });

        expect([response.status, response.body.field]).toEqual([404, field]);
      },
    );

    it("keeps A's data as it was", async () => {
      expect((await expectStatus(stack.request('GET', `/v1/integrations/${a.integrationId}`), 200)).name).not.toBe('taken over');
      expect((await expectStatus(stack.request('GET', `/v1/projects/${a.projectId}`), 200)).sendGate.actions).toEqual([]);
      expect(
        (await expectStatus(stack.request('GET', '/v1/api-keys'), 200)).keys.find((k: any) => k.id === a.apiKeyId).revokedAt,
      ).toBeNull();
    });
  });

  describe('when B uses the same externalId', () => {
    it("upserts B's own contact and leaves A's alone", async () => {
      await expectStatus(asB('POST', '/v1/contacts/batch', { contacts: [{ externalId: a.externalId, email: 'b@example.com' }] }), 200);
      expect((await expectStatus(asB('GET', `/v1/contacts/${a.externalId}`), 200)).email).toBe('b@example.com');
      expect((await expectStatus(stack.request('GET', `/v1/contacts/${a.externalId}`), 200)).email).toBe('user0@example.com');
    });
  });

  describe('API keys', () => {
    it("lists only the own account's keys", async () => {
      const listed = await expectStatus(asB('GET', '/v1/api-keys'), 200);
      expect(listed.keys.map((k: { id: string }) => k.id)).not.toContain(a.apiKeyId);
      expect(listed.keys).toHaveLength(1);
    });

    it('refuses the very next request with a key once it is revoked', async () => {
      const created = await expectStatus(asB('POST', '/v1/api-keys', { name: 'short-lived' }), 201);
      const useIt = () => stack.request('GET', '/v1/api-keys', undefined, { authorization: `Bearer ${created.key}` });
      expect((await useIt()).status).toBe(200);
      expect((await asB('DELETE', `/v1/api-keys/${created.id}`)).status).toBe(204);
      expect((await useIt()).status).toBe(401);
    });
  });

  describe('the sandbox ESP', () => {
    const keysOf = async (list: Promise<{ status: number; body: any }>) =>
      (await expectStatus(list, 200)).messages.map((m: { idempotencyKey: string }) => m.idempotencyKey) as string[];

    it("shows A's sendout to A only", async () => {
      const mine = await keysOf(stack.request('GET', '/sandbox/esp/messages?limit=500'));
      expect(mine.filter((k) => k.startsWith(`${a.sendoutId}:`))).toHaveLength(3);
      const theirs = await keysOf(asB('GET', '/sandbox/esp/messages?limit=500'));
      expect(theirs.filter((k) => k.startsWith(`${a.sendoutId}:`))).toEqual([]);
    });

    it("shows B's integration test to B only", async () => {
      const integration = await expectStatus(
        asB('POST', '/v1/integrations', {
          name: 'B sandbox',
          channel: 'email',
          url: `${stack.baseUrl}/sandbox/esp/messages`,
          payloadTemplate: '{"to":"${email}"}',
        }),
        201,
      );
      const tested = await expectStatus(
        asB('POST', `/v1/integrations/${integration.id}/test`, { variables: { email: `${randomUUID()}@example.com` } }),
        200,
      );
      expect(tested.response.status).toBe(200);

      const theirs = await keysOf(asB('GET', '/sandbox/esp/messages'));
      expect(theirs).toEqual([tested.request.headers['idempotency-key']]);
      const mine = await keysOf(stack.request('GET', '/sandbox/esp/messages?limit=500'));
      expect(mine).not.toContain(tested.request.headers['idempotency-key']);
    });
  });
});
