import { SendgateMetrics, statusClass, timedPageActivity, metrics } from './metrics';

describe('SendgateMetrics', () => {
  let sut: SendgateMetrics;

  beforeEach(() => {
    sut = new SendgateMetrics();
  });

  it('names every metric sendgate_*, the process defaults included', async () => {
    const names = (await sut.registry.getMetricsAsJSON()).map((m) => m.name);

    expect(names).toEqual(
      expect.arrayContaining([
        'sendgate_messages_total',
        'sendgate_messages_excluded_total',
        'sendgate_esp_request_seconds',
        'sendgate_esp_retries_total',
        'sendgate_gate_decisions_total',
        'sendgate_page_activity_seconds',
        'sendgate_process_cpu_seconds_total',
        'sendgate_nodejs_eventloop_lag_seconds',
      ]),
    );
    expect(names.filter((name) => !name.startsWith('sendgate_'))).toEqual([]);
  });

  it('labels the send metrics by integration and outcome only', () => {
    const labels = (name: string) => (sut.registry.getSingleMetric(name) as unknown as { labelNames: string[] }).labelNames;

    expect(labels('sendgate_messages_total')).toEqual(['outcome', 'integration']);
    expect(labels('sendgate_esp_request_seconds')).toEqual(['integration', 'status_class']);
    expect(labels('sendgate_esp_retries_total')).toEqual(['integration', 'reason']);
    expect(labels('sendgate_gate_decisions_total')).toEqual(['decision']);
    expect(labels('sendgate_messages_excluded_total')).toEqual(['reason']);
  });

  describe('when the feedback outbox is watched', () => {
    it('reads the outbox once per scrape and serves due, dead and lag', async () => {
      const read = jest.fn().mockResolvedValue({ due: 12, dead: 3, oldestDueSeconds: 42.5 });
      sut.watchFeedbackOutbox(read);

      const text = await sut.text();

      expect(text).toContain('sendgate_feedback_outbox_due 12\n');
      expect(text).toContain('sendgate_feedback_dead 3\n');
      expect(text).toContain('sendgate_feedback_oldest_due_seconds 42.5\n');
      expect(read).toHaveBeenCalledTimes(1);
    });

    it('serves NaN once the watch stops (prom-client writes Nan; Prometheus reads it), and a new watch replaces it', async () => {
      const stop = sut.watchFeedbackOutbox(async () => ({ due: 5, dead: 0, oldestDueSeconds: 0 }));
      stop();
      expect(await sut.text()).toMatch(/^sendgate_feedback_outbox_due nan$/im);

      sut.watchFeedbackOutbox(async () => ({ due: 6, dead: 0, oldestDueSeconds: 0 }));
      expect(await sut.text()).toContain('sendgate_feedback_outbox_due 6\n');
    });

    it('serves the gauges as NaN when the read fails, and the rest as usual', async () => {
      const failed = jest.fn();
      sut.watchFeedbackOutbox(() => Promise.reject(new Error('database down')), failed);

      const text = await sut.text();

      expect(text).toMatch(/^sendgate_feedback_outbox_due nan$/im);
      expect(text).toMatch(/^sendgate_process_cpu_seconds_total /m);
      expect(failed).toHaveBeenCalledWith(expect.objectContaining({ message: 'database down' }));
    });

    it('reads it again on the next scrape', async () => {
      const read = jest
        .fn()
        .mockResolvedValueOnce({ due: 1, dead: 0, oldestDueSeconds: 0 })
        .mockResolvedValue({ due: 0, dead: 0, oldestDueSeconds: 0 });
      sut.watchFeedbackOutbox(read);

      await sut.text();
      await new Promise((resolve) => setImmediate(resolve));
      const text = await sut.text();

      expect(text).toContain('sendgate_feedback_outbox_due 0\n');
      expect(read).toHaveBeenCalledTimes(2);
    });
  });
});

describe('statusClass', () => {
  it.each([
    [200, '2xx'],
    [302, '3xx'],
    [422, '4xx'],
    [503, '5xx'],
    [undefined, 'error'],
  ])('classifies %p as %s', (status, expected) => {
    expect(statusClass(status)).toBe(expected);
  });
});

describe('timedPageActivity', () => {
  const count = async () =>
    (await metrics.pageActivity.get()).values.find(
      (v) => v.metricName === 'sendgate_page_activity_seconds_count' && v.labels.activity === 'generateMessages',
    )?.value ?? 0;

  it('observes a failed attempt too, and passes its error on', async () => {
    const before = await count();
    const sut = timedPageActivity('generateMessages', async () => {
      throw new Error('database gone');
    });

    await expect(sut()).rejects.toThrow('database gone');
    expect(await count()).toBe(before + 1);
  });
});
