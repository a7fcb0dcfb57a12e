/**
 * Prometheus metrics of the real stack: the API's /metrics without an API key, and a worker's
 * /metrics after a small sendout, with our send counters and the Temporal SDK's worker metrics.
 */
import { EspReceiver } from '../esp-receiver';
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack } from '../harness';
import { expectStatus, seedSendout, waitForStage } from '../scenario';
import { freePort, waitFor } from '../wait';

describe('Prometheus metrics', () => {
  let sending: GatedStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let workerMetrics: string;

  /** A sample of the API's /metrics, 0 when it has none yet. */
  async function apiSample(series: string): Promise<number> {
    const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  }

  const post = (uri: string, body?: unknown) =>
    fetch(uri, {
      method: 'POST',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });

  beforeAll(async () => {
    ({ stack, esp } = sending = await startGatedStack({ worker: false }));
    const port = await freePort();
    await stack.startWorker({ SENDGATE_WORKER_METRICS_PORT: String(port) });
    workerMetrics = `http://127.0.0.1:${port}/metrics`;
  });

  afterAll(async () => {
    await sending?.stop();
  });

  it('serves the API process metrics and the feedback outbox gauges, without an API key', async () => {
    const response = await fetch(`${stack.baseUrl}/metrics`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^sendgate_process_cpu_seconds_total /m);
    expect(text).toMatch(/^sendgate_feedback_outbox_due \d+$/m);
    expect(text).toMatch(/^sendgate_feedback_oldest_due_seconds [\d.e+-]+$/m);
  });

  it("counts a sendout's messages on the worker that sent them, next to the Temporal SDK's metrics", async () => {
    const seed = await seedSendout(stack, { contacts: 5, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'measured',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'Hi' },
      }),
      202,
    );
    await waitForStage(stack, sendout.id, 'COMPLETED', 60_000);

    let text = '';
    // The SDK exports its metrics on an interval: wait (bounded) for its first export.
    await waitFor('the Temporal SDK metrics', 15_000, async () => {
      text = await (await fetch(workerMetrics)).text();
      return /^temporal_\w+/m.test(text);
    });

    expect(text).toContain(`sendgate_messages_total{outcome="sent",integration="${seed.integrationId}"} 5\n`);
    expect(text).toMatch(
      new RegExp(`^sendgate_esp_request_seconds_count\\{integration="${seed.integrationId}",status_class="2xx"\\} 5$`, 'm'),
    );
    expect(text).toMatch(/^sendgate_page_activity_seconds_count\{activity="generateMessages"\} [1-9]/m);
    expect(text).toMatch(/^temporal_\w+/m);
    expect(text).not.toContain(sendout.id);
  });

  it("counts the integrator's decisions at the gate on the API: each contact rejected once, the batch accepted once", async () => {
    const before = {
      accepted: await apiSample('sendgate_gate_decisions_total{decision="accepted"}'),
      rejected: await apiSample('sendgate_gate_decisions_total{decision="rejected"}'),
    };
    const seed = await seedSendout(stack, { contacts: 3, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'gated and measured',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'Hi' },
        gate: { enabled: true, timeout: '2m' },
      }),
      202,
    );
    const hook = await webhookFor(sending.integrator, sendout.id);
    const items = (await (await fetch(hook.itemDownloadUri)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));

    expect((await post(items[0].cancelUri, { reason: 'no consent' })).status).toBe(200);
    expect((await post(items[0].cancelUri)).status).toBe(200);
    expect((await post(hook.finishUri)).status).toBe(200);
    expect((await post(hook.finishUri)).status).toBe(200);
    await waitForStage(stack, sendout.id, 'COMPLETED', 60_000);

    expect(await apiSample('sendgate_gate_decisions_total{decision="accepted"}')).toBe(before.accepted + 1);
    expect(await apiSample('sendgate_gate_decisions_total{decision="rejected"}')).toBe(before.rejected + 1);
  });
});
