import { CONTENT_LIMITS } from '../../libs/domain/src/liquid-sandbox';
import { EspReceiver } from '../esp-receiver';
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack } from '../harness';
import { expectStatus, seedSendout, waitForStage } from '../scenario';

/** Templates are hostile input: they cannot read files, cannot stall a worker, and cannot inject markup. */
describe('hostile message templates', () => {
  let gated: GatedStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let seed: Awaited<ReturnType<typeof seedSendout>>;

  beforeAll(async () => {
    // One worker: a template that stalled it would stall the normal sendout too.
    gated = await startGatedStack();
    ({ stack, esp } = gated);
    seed = await seedSendout(stack, { contacts: 3, espUrl: esp.url });
  });

  afterAll(async () => {
    await gated?.stop();
  });

  function startSendout(name: string, content: Record<string, string>, extra: Record<string, unknown> = {}) {
    return stack.request('POST', '/v1/sendouts', {
      projectId: seed.projectId,
      name,
      segmentId: seed.segmentId,
      integrationId: seed.integrationId,
      content,
      ...extra,
    });
  }

  describe('when a template loads a file', () => {
    it.each([
      ['include', { html: "{% include 'data/signing-key' %}" }, 'content.html'],
      ['render', { html: "<p>{% render 'data/signing-key' %}</p>" }, 'content.html'],
      ['layout', { html: "{% layout 'data/signing-key' %}" }, 'content.html'],
      ['include in a liquid block', { subject: 'x', text: "{% liquid\ninclude 'data/signing-key'\n%}" }, 'content.text'],
    ])('refuses %s with a 400 naming the field', async (_tag, content, field) => {
      const answer = await expectStatus(startSendout('file tag', content), 400);

      expect(answer).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(answer.errors).toEqual([{ field, message: expect.stringContaining('templates cannot include other files') }]);
      expect(answer.message).toContain(field);
    });

    it('starts no sendout', async () => {
      await expectStatus(startSendout('file tag', { html: "{% include 'data/signing-key' %}" }), 400);
      const [row] = await stack.dataSource.query('SELECT COUNT(*) AS n FROM sendouts WHERE account_id = ? AND name = ?', [
        stack.accountId,
        'file tag',
      ]);
      expect(Number(row.n)).toBe(0);
    });
  });

  describe('when templates blow up at render, next to a normal sendout on the same worker', () => {
    const bombs = {
      range: '{% for i in (1..2000000000) %}{% endfor %}',
      nested: '{% assign a = (1..1000) %}{% for i in a %}{% for j in a %}{% for k in a %}{% endfor %}{% endfor %}{% endfor %}',
      doubling: "{% assign s = 'xxxxxxxxxx' %}{% for i in (1..60) %}{% assign s = s | append: s %}{% endfor %}{{ s }}",
    };
    let started: Record<keyof typeof bombs | 'normal', { id: string; workflowId: string }>;
    let done: Record<keyof typeof started, any>;

    beforeAll(async () => {
      const [range, nested, doubling, normal] = await Promise.all([
        expectStatus(startSendout('range bomb', { subject: 'x', html: bombs.range }), 202),
        expectStatus(startSendout('time bomb', { subject: 'x', html: bombs.nested }), 202),
        expectStatus(startSendout('memory bomb', { subject: 'x', html: bombs.doubling }), 202),
        expectStatus(startSendout('normal', { subject: 'Hi {{ contact.firstName }}', html: '<p>Hi {{ contact.firstName }}</p>' }), 202),
      ]);
      started = { range, nested, doubling, normal };
      const entries = await Promise.all(
        Object.entries(started).map(async ([key, s]) => [key, await waitForStage(stack, s.id, 'COMPLETED', 60_000)]),
      );
      done = Object.fromEntries(entries);
    });

    async function reasons(sendoutId: string): Promise<string[]> {
      const rows = await stack.dataSource.query("SELECT reason FROM messages WHERE sendout_id = ? AND state = 'FAILED'", [sendoutId]);
      return rows.map((row: { reason: string }) => row.reason);
    }

    it('fails every bomb message with the limit it hit', async () => {
      expect(done.range.counts).toMatchObject({ FAILED: 3, SENT: 0 });
      expect(done.nested.counts).toMatchObject({ FAILED: 3, SENT: 0 });
      expect(done.doubling.counts).toMatchObject({ FAILED: 3, SENT: 0 });
      expect(await reasons(started.range.id)).toEqual(
        Array(3).fill(expect.stringMatching(/^rendering failed: content\.html hit the (memory|render time) limit/)),
      );
      expect(await reasons(started.nested.id)).toEqual(
        Array(3).fill(`rendering failed: content.html hit the render time limit: took longer than ${CONTENT_LIMITS.renderMs} ms`),
      );
      expect(await reasons(started.doubling.id)).toEqual(
        Array(3).fill(expect.stringMatching(/^rendering failed: content\.html hit the memory limit/)),
      );
      const bombKeys = [started.range, started.nested, started.doubling].map((s) => `${s.id}:`);
      expect(esp.requests.some((r) => bombKeys.some((k) => r.key.startsWith(k)))).toBe(false);
    });

    it('sends the normal sendout in full', () => {
      expect(done.normal.counts).toMatchObject({ SENT: 3, FAILED: 0 });
      const sent = esp.requests.filter((r) => r.key.startsWith(`${started.normal.id}:`));
      expect(sent.map((r) => JSON.parse(r.body).html).sort()).toEqual(['<p>Hi User0</p>', '<p>Hi User1</p>', '<p>Hi User2</p>']);
    });

    it('runs every send page once: no attempt timed out or was retried', async () => {
      const temporal = await stack.temporalClient();
      try {
        for (const s of Object.values(started)) {
          const { events } = await temporal.client.workflow.getHandle(s.workflowId).fetchHistory();
          const attempts = (events ?? []).flatMap((e) =>
            e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : [],
          );
          expect(attempts.length).toBeGreaterThan(0);
          expect(attempts.every((attempt) => attempt === 1)).toBe(true);
        }
      } finally {
        await temporal.close();
      }
    });

    it('leaves the worker running', () => {
      const [worker] = stack.workers;
      expect(stack.workers).toHaveLength(1);
      expect(worker.child.exitCode).toBeNull();
      expect(worker.child.signalCode).toBeNull();
    });
  });

  describe('when an integrator attaches markup as gate data', () => {
    it('arrives escaped in html, as is with | raw and in the subject', async () => {
      const sendout = await expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: seed.projectId,
          name: 'gate markup',
          kind: 'single',
          integrationId: seed.integrationId,
          contactIds: [`${seed.tag}-0`],
          content: { subject: 'Code {{ gate.promo }}', html: '<p>{{ gate.promo }}</p>{{ gate.banner | raw }}' },
          gate: { enabled: true, timeout: '1m' },
        }),
        202,
      );
      const hook = await webhookFor(gated.integrator, sendout.id);
      const attached = await fetch(hook.dataUri, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ id: `${seed.tag}-0`, data: { promo: '<script>alert("x")</script>', banner: '<b>Spring</b>' } }]),
      });
      expect(attached.status).toBe(200);
      expect((await fetch(hook.finishUri, { method: 'POST' })).status).toBe(200);

      const done = await waitForStage(stack, sendout.id, 'COMPLETED');

      expect(done.counts).toMatchObject({ SENT: 1 });
      const [sent] = esp.requests.filter((r) => r.key.startsWith(`${sendout.id}:`)).map((r) => JSON.parse(r.body));
      expect(sent.html).toBe('<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</p><b>Spring</b>');
      expect(sent.subject).toBe('Code <script>alert("x")</script>');
    });
  });
});
