import { randomUUID } from 'node:crypto';
import { TestStack, createAccount } from '../harness';
import { expectStatus } from '../scenario';

/**
 * Journey definitions over HTTP: a graph with a path to nowhere, a cycle or a step nothing leads
 * to is a 400 naming the step and the field; a valid one is stored at version 1, an edit makes
 * version 2 while version 1 stays readable; another account reaches none of it.
 */
describe('journey definitions', () => {
  let stack: TestStack;
  let projectId: string;
  let integrationId: string;

  const message = (id: string, next?: Record<string, string>, gate?: Record<string, unknown>) => ({
    id,
    type: 'message',
    integrationId,
    content: { subject: `${id} for {{ contact.firstName }}`, html: '<p>Hello</p>' },
    ...(gate ? { gate } : {}),
    ...(next ? { next } : {}),
  });

  /** The journey: a gated message; rejected gets a second message, accepted waits 5 s and gets a third. */
  const journey = () => ({
    projectId,
    name: 'Welcome',
    entryStepId: 'welcome',
    steps: [
      message('welcome', { accepted: 'pause', rejected: 'sorry' }, { enabled: true, timeout: '15m', split: true }),
      message('sorry'),
      { id: 'pause', type: 'wait', duration: '5s', next: 'follow-up' },
      message('follow-up', { sent: 'done' }),
      { id: 'done', type: 'end' },
    ],
  });

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'mysql' });
    projectId = (await expectStatus(stack.request('POST', '/v1/projects', { name: `journeys ${randomUUID()}` }), 201)).id;
    integrationId = (
      await expectStatus(
        stack.request('POST', '/v1/integrations', {
          name: 'esp',
          channel: 'email',
          url: `${stack.baseUrl}/sandbox/esp/messages`,
          payloadTemplate: '{"to":"${email}"}',
        }),
        201,
      )
    ).id;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('when the graph is broken', () => {
    it('names the step and the path that leads to a step that does not exist', async () => {
      const body = journey();
      body.steps[2] = { id: 'pause', type: 'wait', duration: '5s', next: 'missing-step' };
      const response = await stack.request('POST', '/v1/journeys', body);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { field: 'steps[2].next', message: 'step "pause" points to "missing-step", which does not exist' },
      ]);
    });

    it('names the steps on a cycle', async () => {
      const body = journey();
      body.steps[1] = message('sorry', { sent: 'welcome' });
      const response = await stack.request('POST', '/v1/journeys', body);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        {
          field: 'steps[1].next.sent',
          message: 'step "sorry" points back to "welcome": the steps "welcome" → "sorry" → "welcome" form a cycle',
        },
      ]);
    });

    it('names a step that cannot be reached', async () => {
      const body = journey();
      body.steps.push(message('stray', { sent: 'done' }));
      const response = await stack.request('POST', '/v1/journeys', body);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { field: 'steps[5]', message: 'step "stray" cannot be reached from the entry step "welcome"' },
      ]);
      expect(response.body.message).toContain('steps[5] step "stray" cannot be reached');
    });

    it("names a message step whose integration is not the account's", async () => {
      const body = journey();
      body.steps[1] = { ...message('sorry'), integrationId: randomUUID() };
      const response = await stack.request('POST', '/v1/journeys', body);
      expect([response.status, response.body.errors?.[0]?.field]).toEqual([400, 'steps[1].integrationId']);
    });
  });

  describe('when a valid journey is created and then edited', () => {
    it('stores version 1, makes the edit version 2 and keeps version 1 readable', async () => {
      const created = await expectStatus(stack.request('POST', '/v1/journeys', journey()), 201);
      expect(created).toMatchObject({ name: 'Welcome', projectId, version: 1, entryStepId: 'welcome', steps: journey().steps });
      expect(Date.parse(created.createdAt)).not.toBeNaN();

      const edit = journey();
      edit.steps[2] = { id: 'pause', type: 'wait', duration: '1h', next: 'follow-up' };
      const { projectId: _, ...put } = { ...edit, name: 'Welcome, slower' };
      const second = await expectStatus(stack.request('PUT', `/v1/journeys/${created.id}`, put), 200);
      expect(second).toMatchObject({ id: created.id, name: 'Welcome, slower', version: 2 });

      const current = await expectStatus(stack.request('GET', `/v1/journeys/${created.id}`), 200);
      expect([current.version, current.steps[2].duration]).toEqual([2, '1h']);
      const first = await expectStatus(stack.request('GET', `/v1/journeys/${created.id}/versions/1`), 200);
      expect([first.version, first.steps[2].duration]).toEqual([1, '5s']);
      const { versions } = await expectStatus(stack.request('GET', `/v1/journeys/${created.id}/versions`), 200);
      expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
      expect((await stack.request('GET', `/v1/journeys/${created.id}/versions/3`)).status).toBe(404);
    });

    it('refuses an edit with a broken graph and keeps the current version', async () => {
      const created = await expectStatus(stack.request('POST', '/v1/journeys', journey()), 201);
      const { projectId: _, ...put } = journey();
      put.entryStepId = 'nowhere';
      const response = await stack.request('PUT', `/v1/journeys/${created.id}`, put);
      expect([response.status, response.body.errors?.[0]?.field]).toEqual([400, 'entryStepId']);
      expect((await expectStatus(stack.request('GET', `/v1/journeys/${created.id}`), 200)).version).toBe(1);
    });
  });

  describe('when another account asks for a journey', () => {
    it('answers 404 to every route, and the journey stays as it was', async () => {
      const created = await expectStatus(stack.request('POST', '/v1/journeys', journey()), 201);
      const other = await createAccount(stack.dataSource);
      const asOther = (method: string, path: string, body?: unknown) =>
        stack.request(method, path, body, { authorization: `Bearer ${other.apiKey}` });
      const { projectId: _, ...put } = journey();
      for (const [method, path, body] of [
        ['GET', `/v1/journeys/${created.id}`],
        ['GET', `/v1/journeys/${created.id}/versions`],
        ['GET', `/v1/journeys/${created.id}/versions/1`],
        ['PUT', `/v1/journeys/${created.id}`, put],
        ['DELETE', `/v1/journeys/${created.id}`],
      ] as Array<[string, string, unknown?]>) {
        expect([method, path, (await asOther(method, path, body)).status]).toEqual([method, path, 404]);
      }
      expect((await expectStatus(stack.request('GET', `/v1/journeys/${created.id}`), 200)).version).toBe(1);

      await expectStatus(stack.request('DELETE', `/v1/journeys/${created.id}`), 204);
      expect((await stack.request('GET', `/v1/journeys/${created.id}`)).status).toBe(404);
    });
  });
});
