import { TokenSigner } from '../../libs/crypto/src/signed-token';
import { scheduleUpdate } from '../../workflows/sendout.messages';
import { EspReceiver } from '../esp-receiver';
import { GatedStack, pauseWhileGateCloses, startGatedStack, webhookFor as webhookOf } from '../gate-scenario';
import { TEST_SIGNING_KEY, TestStack } from '../harness';
import { expectStatus, seedSendout, startSendout, waitForStage } from '../scenario';
import { waitFor } from '../wait';

describe('the send gate', () => {
  let gated: GatedStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let integrator: EspReceiver;

  beforeAll(async () => {
    gated = await startGatedStack();
    ({ stack, esp, integrator } = gated);
    await expectStatus(
      stack.request('PUT', '/v1/send-gate/endpoint', {
        transport: 'http',
        url: integrator.url,
        auth: { type: 'header', name: 'X-Api-Key', value: 'integrator-s3cret' },
      }),
      200,
    );
  });

  afterAll(async () => {
    await gated?.stop();
  });

  const webhookFor = (sendoutId: string) => webhookOf(integrator, sendoutId);

  async function post(uri: string, body?: unknown) {
    const response = await fetch(uri, {
      method: 'POST',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('keeps the endpoint secret encrypted at rest and masked in answers', async () => {
    const shown = await expectStatus(stack.request('GET', '/v1/send-gate/endpoint'), 200);
    expect(shown).toEqual({ transport: 'http', url: integrator.url, auth: { type: 'header', name: 'X-Api-Key', value: '********' } });
    const [row] = await stack.dataSource.query('SELECT settings, secrets FROM send_gate_endpoints WHERE account_id = ?', [stack.accountId]);
    expect(JSON.stringify(row)).not.toContain('integrator-s3cret');
    const test = await expectStatus(stack.request('POST', '/v1/send-gate/endpoint/test'), 200);
    expect(test.response).toMatchObject({ delivered: true, status: 200 });
    expect(integrator.requests.at(-1)!.headers['x-api-key']).toBe('integrator-s3cret');
  });

  describe('a batch sendout', () => {
    it('waits for the integrator, sends exactly the accepted contacts and none of the rejected ones', async () => {
      const seed = await seedSendout(stack, { contacts: 200, espUrl: esp.url });
      await expectStatus(
        stack.request('PUT', `/v1/projects/${seed.projectId}/send-gate`, {
          actions: [{ id: 'check-consent' }, { id: 'add-promo-code', campaign: 'spring' }],
        }),
        200,
      );
      const sendout = await expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: seed.projectId,
          name: 'gated batch',
          journeyName: 'Welcome',
          segmentId: seed.segmentId,
          integrationId: seed.integrationId,
          content: { subject: 'Hi {{ contact.firstName }}' },
          gate: { enabled: true, timeout: '2m', split: true, actions: [{ id: 'fraud-check' }, { id: 'check-consent', dup: true }] },
        }),
        202,
      );

      const hook = await webhookFor(sendout.id);
      const delivery = integrator.requests.find((r) => JSON.parse(r.body).sendoutId === sendout.id)!;
      expect(delivery.headers['idempotency-key']).toBe(`gate:${sendout.id}`);
      expect(hook).toMatchObject({
        projectName: `project ${seed.tag}`,
        journeyName: 'Welcome',
        sendoutName: 'gated batch',
        itemCount: 200,
        actions: [{ id: 'check-consent' }, { id: 'add-promo-code', campaign: 'spring' }, { id: 'fraud-check' }],
      });
      expect(hook.items).toBeUndefined();
      const gated = await expectStatus(stack.request('GET', `/v1/sendouts/${sendout.id}`), 200);
      expect(gated).toMatchObject({ stage: 'GATED', gate: { enabled: true, state: 'OPEN' }, counts: { GATED: 200 } });

      const download = await fetch(hook.itemDownloadUri);
      expect(download.headers.get('content-type')).toContain('application/x-ndjson');
      const items = (await download.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(items).toHaveLength(200);
      expect(items[0]).toEqual({
        id: expect.any(String),
        email: expect.stringContaining('@'),
        cancelUri: expect.stringContaining('/gate/v1/reject/'),
      });

      const rejected = items.filter((_, i) => i % 10 === 0);
      for (const item of rejected) expect((await post(item.cancelUri, { reason: 'no consent' })).status).toBe(200);
      expect((await post(rejected[0].cancelUri)).status).toBe(200); // idempotent

      const accepted = await post(hook.finishUri);
      expect(accepted).toEqual({ status: 200, body: { state: 'ACCEPTED', accepted: 180, rejected: 20 } });
      expect((await post(hook.finishUri)).status).toBe(200);

      const done = await waitForStage(stack, sendout.id, 'COMPLETED');
      expect(done.counts).toMatchObject({ SENT: 180, REJECTED: 20, GATED: 0 });
      expect(done.paths).toEqual({ accepted: 180, rejected: 20, timedOut: 0, excluded: 0 });
      const sentTo = new Set(esp.requests.filter((r) => r.key.startsWith(`${sendout.id}:`)).map((r) => JSON.parse(r.body).to));
      expect(sentTo.size).toBe(180);
      for (const item of rejected) expect(sentTo.has(item.email)).toBe(false);

      const path = await expectStatus(stack.request('GET', `/v1/sendouts/${sendout.id}/messages?path=rejected&limit=15`), 200);
      expect(path.items).toHaveLength(15);
      expect(path.items[0].reason).toBe('rejected at the send gate: no consent');
      const rest = await expectStatus(stack.request('GET', `/v1/sendouts/${sendout.id}/messages?path=rejected&after=${path.next}`), 200);
      expect(rest.items).toHaveLength(5);
      expect(rest.next).toBeNull();

      const tooLate = await post(items[1].cancelUri);
      expect(tooLate).toMatchObject({ status: 409, body: { state: 'SENT' } });

      const temporal = await stack.temporalClient();
      try {
        const description = await temporal.client.workflow.getHandle(sendout.workflowId).describe();
        expect(description.typedSearchAttributes.get({ name: 'GateState', type: 'KEYWORD' } as any)).toBe('ACCEPTED');
      } finally {
        await temporal.close();
      }
    });

    it('streams the items as CSV on request', async () => {
      const seed = await seedSendout(stack, { contacts: 3, espUrl: esp.url });
      const sendout = await expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: seed.projectId,
          name: 'csv',
          segmentId: seed.segmentId,
          integrationId: seed.integrationId,
          content: { subject: 'x' },
          gate: { enabled: true, timeout: 60 },
        }),
        202,
      );
      const hook = await webhookFor(sendout.id);
      const csv = await (await fetch(hook.itemDownloadUri, { headers: { accept: 'text/csv' } })).text();
      const lines = csv.trim().split('\n');
      expect(lines[0]).toBe('id,email,phone,cancelUri');
      expect(lines).toHaveLength(4);
      await post(hook.finishUri);
      await waitForStage(stack, sendout.id, 'COMPLETED');
    });
  });

  describe('a single sendout', () => {
    it('lists the contacts with rejectUris and carries integrator data into the message', async () => {
      const seed = await seedSendout(stack, { contacts: 3, espUrl: esp.url });
      const sendout = await expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: seed.projectId,
          name: 'single',
          kind: 'single',
          integrationId: seed.integrationId,
          contactIds: [`${seed.tag}-0`, `${seed.tag}-1`, `${seed.tag}-2`],
          content: { subject: 'Your code: {{ gate.promoCode | default: "none" }}' },
          gate: { enabled: true, timeout: '1m' },
        }),
        202,
      );

      const hook = await webhookFor(sendout.id);
      expect(hook.itemDownloadUri).toBeUndefined();
      expect(hook.items.map((i: { id: string }) => i.id)).toEqual([`${seed.tag}-0`, `${seed.tag}-1`, `${seed.tag}-2`]);

      expect((await post(hook.items[1].rejectUri)).status).toBe(200);
      const attached = await fetch(hook.dataUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: `${JSON.stringify({ id: `${seed.tag}-0`, data: { promoCode: 'SPRING-42' } })}\n`,
      });
      expect(attached.status).toBe(200);
      expect((await post(hook.finishUri)).status).toBe(200);

      const done = await waitForStage(stack, sendout.id, 'COMPLETED');
      expect(done.counts).toMatchObject({ SENT: 2, REJECTED: 1 });
      const subjects = esp.requests
        .filter((r) => r.key.startsWith(`${sendout.id}:`))
        .map((r) => JSON.parse(r.body).subject)
        .sort();
      expect(subjects).toEqual(['Your code: SPRING-42', 'Your code: none']);
    });
  });

  describe('when the gate times out', () => {
    async function timedOutSendout(split: boolean) {
      const seed = await seedSendout(stack, { contacts: 10, espUrl: esp.url });
      const sendout = await expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: seed.projectId,
          name: `timeout split=${split}`,
          segmentId: seed.segmentId,
          integrationId: seed.integrationId,
          content: { subject: 'x' },
          gate: { enabled: true, timeout: '2s', split },
        }),
        202,
      );
      const hook = await webhookFor(sendout.id);
      const items = (await (await fetch(hook.itemDownloadUri)).text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect((await post(items[0].cancelUri)).status).toBe(200);
      return { sendout, hook, items, done: await waitForStage(stack, sendout.id, 'COMPLETED', 60_000) };
    }

    it('sends nothing, times out the unanswered contacts and reports the three paths with split on', async () => {
      const { sendout, hook, items, done } = await timedOutSendout(true);
      expect(done.counts).toMatchObject({ SENT: 0, TIMED_OUT: 9, REJECTED: 1 });
      expect(done.paths).toEqual({ accepted: 0, rejected: 1, timedOut: 9, excluded: 0 });
      expect(done.gate.state).toBe('TIMED_OUT');
      expect(esp.requests.some((r) => r.key.startsWith(`${sendout.id}:`))).toBe(false);

      expect(await post(hook.finishUri)).toMatchObject({ status: 409, body: { state: 'TIMED_OUT' } });
      expect(await post(items[1].cancelUri)).toMatchObject({ status: 409, body: { state: 'TIMED_OUT' } });
      const timedOut = await expectStatus(stack.request('GET', `/v1/sendouts/${sendout.id}/messages?path=timedOut`), 200);
      expect(timedOut.items).toHaveLength(9);
    });

    it('ends the rejected and timed-out contacts there with split off', async () => {
      const { done } = await timedOutSendout(false);
      expect(done.counts).toMatchObject({ SENT: 0, TIMED_OUT: 9, REJECTED: 1 });
      expect(done.paths).toBeUndefined();
    });
  });

  describe('when the endpoint never answers well', () => {
    it('retries the webhook with backoff, records every attempt, and ends in the timeout path', async () => {
      const broken = await TestStack.start({ database: 'mysql' });
      const failing = await new EspReceiver().start();
      failing.respond = () => ({ status: 503, body: { error: 'down for maintenance' } });
      try {
        await broken.startWorker();
        await expectStatus(broken.request('PUT', '/v1/send-gate/endpoint', { transport: 'http', url: failing.url }), 200);
        const seed = await seedSendout(broken, { contacts: 5, espUrl: esp.url });
        const sendout = await expectStatus(
          broken.request('POST', '/v1/sendouts', {
            projectId: seed.projectId,
            name: 'unanswered',
            segmentId: seed.segmentId,
            integrationId: seed.integrationId,
            content: { subject: 'x' },
            gate: { enabled: true, timeout: '4s' },
          }),
          202,
        );

        const done = await waitForStage(broken, sendout.id, 'COMPLETED', 60_000);

        expect(done.counts).toMatchObject({ TIMED_OUT: 5, SENT: 0 });
        expect(done.gate).toMatchObject({ state: 'TIMED_OUT', decidedBy: 'timer', webhook: { deliveredAt: null } });
        expect(done.gate.webhook.attempts).toBeGreaterThanOrEqual(2);
        expect(done.gate.webhook.lastError).toContain('503');
        const attempts = await broken.dataSource.query(
          'SELECT attempt, outcome, status FROM gate_deliveries WHERE sendout_id = ? ORDER BY id',
          [sendout.id],
        );
        expect(attempts.length).toBe(done.gate.webhook.attempts);
        expect(attempts.map((a: { attempt: number }) => Number(a.attempt))).toEqual(attempts.map((_: unknown, i: number) => i + 1));
        expect(attempts.every((a: { outcome: string; status: number }) => a.outcome === 'failed' && Number(a.status) === 503)).toBe(true);
      } finally {
        await broken.stop();
        await failing.stop();
      }
    });
  });

  describe('a scheduled sendout', () => {
    it('holds accepted messages until sendAt', async () => {
      const sendAt = new Date(Date.now() + 8_000);
      const sendout = await startSendout(gated, 'scheduled', 5, { gate: { enabled: true, timeout: '1m' }, sendAt: sendAt.toISOString() });
      const hook = await webhookFor(sendout.id);
      expect((await post(hook.finishUri)).status).toBe(200);

      await waitForStage(stack, sendout.id, 'SCHEDULED');
      // The accepted batch is released beside the wait (releaseAcceptedGate, a moment after the accept).
      let scheduled: any;
      await waitFor('the accepted batch to be released', 3_000, async () => {
        scheduled = (await stack.request('GET', `/v1/sendouts/${sendout.id}`)).body;
        return scheduled.counts.ACCEPTED === 5;
      });
      expect(scheduled.stage).toBe('SCHEDULED');
      expect(scheduled.counts.SENT).toBe(0);
      const done = await waitForStage(stack, sendout.id, 'COMPLETED');
      expect(done.counts.SENT).toBe(5);
      const [row] = await stack.dataSource.query('SELECT MIN(sent_at) AS first FROM messages WHERE sendout_id = ?', [sendout.id]);
      expect(new Date(row.first).getTime()).toBeGreaterThanOrEqual(sendAt.getTime());
    });
  });

  describe('a sendout an operator pauses while its accepted gate closes', () => {
    it('is held in SCHEDULED with nothing sent, and sends every accepted message once resumed', async () => {
      const sendout = await startSendout(gated, 'paused while the gate closes', 5, { gate: { enabled: true, timeout: '5m' } });
      const hook = await webhookFor(sendout.id);
      const sentKeys = () => esp.requests.filter((r) => r.key.startsWith(`${sendout.id}:`)).map((r) => r.key);
      const temporal = await stack.temporalClient();
      try {
        expect(await pauseWhileGateCloses(stack, temporal.client, sendout, hook.finishUri)).toMatchObject({ paused: true });
        const handle = temporal.client.workflow.getHandle(sendout.workflowId);

        // The close had planned the first pages: they are dropped while the pause holds the run.
        const held = await waitForStage(stack, sendout.id, 'SCHEDULED');
        expect(held.counts.SENT).toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect(sentKeys()).toEqual([]);
        expect((await stack.request('GET', `/v1/sendouts/${sendout.id}`)).body.stage).toBe('SCHEDULED');

        expect(await handle.executeUpdate(scheduleUpdate, { args: [{ paused: false }] })).toMatchObject({ paused: false });
        const done = await waitForStage(stack, sendout.id, 'COMPLETED');
        expect(done.counts.SENT).toBe(5);
        expect(new Set(sentKeys()).size).toBe(5);
        expect(sentKeys()).toHaveLength(5);
      } finally {
        await temporal.close();
      }
    });
  });

  describe('gate URIs', () => {
    it('answer 401 to a forged token and 410 to an expired one', async () => {
      const base = stack.baseUrl;
      const forged = new TokenSigner('f'.repeat(48)).sign({ a: 'finish', s: 'whatever', exp: Math.floor(Date.now() / 1000) + 600 });
      expect((await post(`${base}/gate/v1/finish/${forged}`)).status).toBe(401);
      expect((await post(`${base}/gate/v1/finish/not-a-token`)).status).toBe(401);

      const signer = new TokenSigner(TEST_SIGNING_KEY);
      const expired = signer.sign({ a: 'finish', s: 'whatever', exp: Math.floor(Date.now() / 1000) - 1 });
      expect((await post(`${base}/gate/v1/finish/${expired}`)).status).toBe(410);

      const wrongAction = signer.sign({ a: 'items', s: 'whatever', exp: Math.floor(Date.now() / 1000) + 600 });
      expect((await post(`${base}/gate/v1/finish/${wrongAction}`)).status).toBe(401);
    });
  });
});
