/**
 * Prometheus metrics of the real stack: the API's /metrics without an API key, and a worker's
 * /metrics after a small sendout, with our send counters and the Temporal SDK's worker metrics.
 */
import { EspReceiver } from '../esp-receiver';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, seedSendout, startSendingStack, waitForStage } from '../scenario';
import { freePort, waitFor } from '../wait';

describe('Prometheus metrics', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let workerMetrics: string;

  beforeAll(async () => {
    ({ stack, esp } = sending = await startSendingStack({ worker: false }));
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
});
