/**
 * Journey runs on the real stack: each message step is a child sendout of the run's workflow, and
 * the contacts on a path are exactly those the step before put there. The gate is answered by a
 * loopback integrator, the messages land on a loopback ESP, and each test reads which contacts
 * got which step from what the ESP received.
 */
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack, createAccount } from '../harness';
import { stepOf, waitForRun as waitForRunOf } from '../journey-scenario';
import { expectStatus, seedSendout } from '../scenario';

describe('journey runs', () => {
  let gated: GatedStack;
  let stack: TestStack;

  beforeAll(async () => {
    gated = await startGatedStack();
    stack = gated.stack;
  });

  afterAll(async () => {
    await gated?.stop();
  });

  const message = (id: string, integrationId: string, next?: Record<string, string>, gate?: Record<string, unknown>) => ({
    id,
    type: 'message',
    integrationId,
    content: { subject: `${id}` },
    ...(gate ? { gate } : {}),
    ...(next ? { next } : {}),
  });

  /** The emails one step's sendouts were sent to, from what the ESP received. */
  const sentBy = (run: any, stepId: string): string[] => {
    const ids = new Set<string>(stepOf(run, stepId).sendouts.map((s: { id: string }) => s.id));
    return gated.esp.requests
      .filter((r) => ids.has(r.key.split(':')[0]))
      .map((r) => JSON.parse(r.body).to)
      .sort();
  };

  async function startRun(journeyId: string, audience: Record<string, unknown>): Promise<any> {
    return expectStatus(stack.request('POST', `/v1/journeys/${journeyId}/runs`, audience), 202);
  }

  const waitForRun = (journeyId: string, run: number, until: (view: any) => boolean, what: string) =>
    waitForRunOf(stack, journeyId, run, until, what);

  const emails = (from: number, to: number, step = 1) => {
    const all: string[] = [];
    for (let i = from; i < to; i += step) all.push(`user${i}@example.com`);
    return all;
  };

  describe('a gated message whose rejected contacts get a second message and accepted ones a third after a wait', () => {
    it('sends each step exactly to its path, and counts every step and path', async () => {
      const seed = await seedSendout(stack, { contacts: 50, espUrl: gated.esp.url });
      const journey = await expectStatus(
        stack.request('POST', '/v1/journeys', {
          projectId: seed.projectId,
          name: `welcome ${seed.tag}`,
          entryStepId: 'welcome',
          steps: [
            message('welcome', seed.integrationId, { accepted: 'pause', rejected: 'sorry' }, { enabled: true, timeout: '2m', split: true }),
            message('sorry', seed.integrationId),
            { id: 'pause', type: 'wait', duration: '5s', next: 'follow-up' },
            message('follow-up', seed.integrationId, { sent: 'done' }),
            { id: 'done', type: 'end' },
          ],
        }),
        201,
      );

      const started = await startRun(journey.id, { segmentId: seed.segmentId });
      expect(started).toMatchObject({ run: 1, version: 1, stage: 'RUNNING', workflowId: `journey-${journey.id}-run-1` });

      const atGate = await waitForRun(journey.id, 1, (r) => stepOf(r, 'welcome').sendouts.length === 1, 'to reach its gate');
      const hook = await webhookFor(gated.integrator, stepOf(atGate, 'welcome').sendouts[0].id);
      const items = (await (await fetch(hook.itemDownloadUri)).text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const rejected = items.filter((_, i) => i % 10 === 0); // 10 %
      for (const item of rejected) expect((await fetch(item.cancelUri, { method: 'POST' })).status).toBe(200);
      expect((await fetch(hook.finishUri, { method: 'POST' })).status).toBe(200);

      const done = await waitForRun(journey.id, 1, (r) => r.stage !== 'RUNNING', 'to end');

      const rejectedEmails = rejected.map((i) => i.email).sort();
      const acceptedEmails = emails(0, 50)
        .filter((e) => !rejectedEmails.includes(e))
        .sort();
      expect(done.stage).toBe('COMPLETED');
      expect(sentBy(done, 'welcome')).toEqual(acceptedEmails);
      expect(sentBy(done, 'sorry')).toEqual(rejectedEmails);
      expect(sentBy(done, 'follow-up')).toEqual(acceptedEmails);
      expect(stepOf(done, 'welcome')).toMatchObject({
        status: 'done',
        counts: { SENT: 45, REJECTED: 5 },
        paths: { accepted: 45, rejected: 5, timedOut: 0 },
      });
      expect(stepOf(done, 'sorry')).toMatchObject({ status: 'done', counts: { SENT: 5 }, paths: { sent: 5 } });
      expect(stepOf(done, 'pause')).toMatchObject({ type: 'wait', status: 'done' });
      expect(stepOf(done, 'follow-up')).toMatchObject({ status: 'done', counts: { SENT: 45 }, paths: { sent: 45 } });
      expect(stepOf(done, 'done')).toMatchObject({ type: 'end', status: 'done' });
      const welcome = await expectStatus(stack.request('GET', `/v1/sendouts/${stepOf(done, 'welcome').sendouts[0].id}`), 200);
      expect(welcome).toMatchObject({
        mode: 'journey',
        journeyName: `welcome ${seed.tag}`,
        journeyRun: { journeyId: journey.id, run: 1, stepId: 'welcome' },
        gate: { enabled: true, timeoutMs: 120_000, split: true },
      });
    });
  });

  describe('a branch after a message', () => {
    it('sends match to the contacts that match and otherwise to the rest, those without the attribute included', async () => {
      const seed = await seedSendout(stack, { contacts: 20, espUrl: gated.esp.url });
      // one more contact of the segment without a score: the filter is unknown for it, so "otherwise"
      await expectStatus(
        stack.request('POST', '/v1/contacts/batch', {
          contacts: [{ externalId: `${seed.tag}-noscore`, email: 'noscore@example.com', attributes: { cohort: seed.tag } }],
        }),
        200,
      );
      const journey = await expectStatus(
        stack.request('POST', '/v1/journeys', {
          projectId: seed.projectId,
          name: `branch ${seed.tag}`,
          entryStepId: 'hello',
          steps: [
            message('hello', seed.integrationId, { sent: 'low-score' }),
            {
              id: 'low-score',
              type: 'branch',
              filter: { all: [{ attribute: 'score', op: 'lt', value: 5 }] },
              next: { match: 'a', otherwise: 'b' },
            },
            message('a', seed.integrationId),
            message('b', seed.integrationId),
          ],
        }),
        201,
      );

      await startRun(journey.id, { segmentId: seed.segmentId });
      const done = await waitForRun(journey.id, 1, (r) => r.stage !== 'RUNNING', 'to end');

      expect(done.stage).toBe('COMPLETED');
      expect(sentBy(done, 'hello')).toEqual([...emails(0, 20), 'noscore@example.com'].sort());
      expect(sentBy(done, 'a')).toEqual(emails(0, 5).sort());
      expect(sentBy(done, 'b')).toEqual([...emails(5, 20), 'noscore@example.com'].sort());
      expect(stepOf(done, 'low-score')).toMatchObject({ type: 'branch', status: 'done' });
    });
  });

  describe('when a new version is published while a run waits', () => {
    it('finishes the run on the version it started with, and the next run takes the new one', async () => {
      const seed = await seedSendout(stack, { contacts: 3, espUrl: gated.esp.url });
      const steps = (second: string) => [
        message('first', seed.integrationId, { sent: 'pause' }),
        { id: 'pause', type: 'wait', duration: '6s', next: second },
        message(second, seed.integrationId),
      ];
      const body = { projectId: seed.projectId, name: `versions ${seed.tag}`, entryStepId: 'first', steps: steps('second-v1') };
      const journey = await expectStatus(stack.request('POST', '/v1/journeys', body), 201);

      await startRun(journey.id, { contactIds: [`${seed.tag}-0`, `${seed.tag}-1`] });
      await waitForRun(journey.id, 1, (r) => stepOf(r, 'pause').status === 'waiting', 'to wait');
      const v2 = await expectStatus(
        stack.request('PUT', `/v1/journeys/${journey.id}`, { name: body.name, entryStepId: 'first', steps: steps('second-v2') }),
        200,
      );
      const done = await waitForRun(journey.id, 1, (r) => r.stage !== 'RUNNING', 'to end');

      expect(v2.version).toBe(2);
      expect(done).toMatchObject({ version: 1, stage: 'COMPLETED', contactIds: [`${seed.tag}-0`, `${seed.tag}-1`] });
      expect(done.steps.map((s: { id: string }) => s.id)).toEqual(['first', 'pause', 'second-v1']);
      expect(sentBy(done, 'second-v1')).toEqual(['user0@example.com', 'user1@example.com']);

      const next = await startRun(journey.id, { contactIds: [`${seed.tag}-2`] });
      expect(next).toMatchObject({ run: 2, version: 2 });
    });
  });

  describe('when a run is cancelled while it waits', () => {
    it('ends CANCELED and never starts the steps after the wait', async () => {
      const seed = await seedSendout(stack, { contacts: 2, espUrl: gated.esp.url });
      const journey = await expectStatus(
        stack.request('POST', '/v1/journeys', {
          projectId: seed.projectId,
          name: `cancel ${seed.tag}`,
          entryStepId: 'first',
          steps: [
            message('first', seed.integrationId, { sent: 'pause' }),
            { id: 'pause', type: 'wait', duration: '1h', next: 'second' },
            message('second', seed.integrationId),
          ],
        }),
        201,
      );
      await startRun(journey.id, { segmentId: seed.segmentId });
      await waitForRun(journey.id, 1, (r) => stepOf(r, 'pause').status === 'waiting', 'to wait');

      await expectStatus(stack.request('POST', `/v1/journeys/${journey.id}/runs/1/cancel`), 202);
      const ended = await waitForRun(journey.id, 1, (r) => r.stage !== 'RUNNING', 'to end');

      expect(ended.stage).toBe('CANCELED');
      expect(stepOf(ended, 'first').counts).toEqual({ SENT: 2 });
      expect(stepOf(ended, 'second')).toMatchObject({ status: 'not reached', sendouts: [] });
      await expectStatus(stack.request('POST', `/v1/journeys/${journey.id}/runs/1/cancel`), 409);
    });
  });

  describe('when the run request is wrong', () => {
    it('answers 400 naming the field, 404 for an unknown or foreign journey or run, 409 for an integration not active', async () => {
      const seed = await seedSendout(stack, { contacts: 1, espUrl: gated.esp.url });
      const journey = await expectStatus(
        stack.request('POST', '/v1/journeys', {
          projectId: seed.projectId,
          name: `errors ${seed.tag}`,
          entryStepId: 'only',
          steps: [message('only', seed.integrationId)],
        }),
        201,
      );

      const both = await expectStatus(
        stack.request('POST', `/v1/journeys/${journey.id}/runs`, { segmentId: seed.segmentId, contactIds: ['x'] }),
        400,
      );
      const unknownSegment = await expectStatus(
        stack.request('POST', `/v1/journeys/${journey.id}/runs`, { segmentId: '00000000-0000-4000-8000-000000000000' }),
        404,
      );
      await expectStatus(stack.request('GET', `/v1/journeys/${journey.id}/runs/7`), 404);
      await expectStatus(
        stack.request('POST', '/v1/journeys/00000000-0000-4000-8000-000000000000/runs', { segmentId: seed.segmentId }),
        404,
      );
      const draft = await expectStatus(
        stack.request('POST', '/v1/integrations', {
          name: `draft ${seed.tag}`,
          channel: 'email',
          url: gated.esp.url,
          payloadTemplate: '{}',
        }),
        201,
      );
      const unready = await expectStatus(
        stack.request('POST', '/v1/journeys', {
          projectId: seed.projectId,
          name: `draft ${seed.tag}`,
          entryStepId: 'ready',
          steps: [message('ready', seed.integrationId, { sent: 'draft' }), message('draft', draft.id)],
        }),
        201,
      );
      const inactive = await expectStatus(stack.request('POST', `/v1/journeys/${unready.id}/runs`, { segmentId: seed.segmentId }), 409);

      const other = await createAccount(stack.dataSource);
      const asOther = (method: string, path: string, body?: unknown) =>
        stack.request(method, path, body, { authorization: `Bearer ${other.apiKey}` });
      await startRun(journey.id, { segmentId: seed.segmentId });
      await expectStatus(asOther('GET', `/v1/journeys/${journey.id}/runs/1`), 404);
      await expectStatus(asOther('GET', `/v1/journeys/${journey.id}/runs`), 404);
      await expectStatus(asOther('POST', `/v1/journeys/${journey.id}/runs/1/cancel`), 404);
      await expectStatus(asOther('POST', `/v1/journeys/${journey.id}/runs`, { contactIds: ['x'] }), 404);

      expect(JSON.stringify(both)).toContain('segmentId');
      expect(unknownSegment.field).toBe('segmentId');
      expect(inactive.field).toBe('steps[1].integrationId');
    });
  });
});
