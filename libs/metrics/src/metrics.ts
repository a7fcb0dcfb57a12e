/**
 * Sendgate's Prometheus metrics: one prom-client Registry per process (API or worker), the
 * process's default metrics and every metric Sendgate records, all named `sendgate_*`.
 *
 * Labels stay low-cardinality on purpose: an integration id (an account has a handful), an outcome,
 * a reason from a closed set. Never a sendout id, a contact or an address: each would be a new time
 * series per value, for ever.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MessageOutcome = 'sent' | 'failed' | 'retry';
export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'error';
/** Why an ESP answer is retried: asked to come back later, failing, too slow, or not reached. */
export type RetryReason = '429' | '5xx' | 'timeout' | 'network';
export type GateDecision = 'accepted' | 'rejected' | 'timed_out' | 'canceled';
export type PageActivity = 'sendMessagePage' | 'generateMessages';

/** One ESP request: 1 ms (a local fake) to 10 s (the default request deadline). */
const ESP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** One page activity: a few ms for an empty page to minutes for a slow ESP or a large audience. */
const PAGE_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** What the feedback outbox looks like now; read at scrape time. */
export interface FeedbackOutboxState {
  /** PENDING rows whose next attempt is due. */
  due: number;
  /** Rows that were retried for the whole retry window without success. */
  dead: number;
  /** Seconds since the longest-waiting due row became due (0 when none is due). */
  oldestDueSeconds: number;
}

export class SendgateMetrics {
  readonly registry = new Registry();

  readonly messages = new Counter({
    name: 'sendgate_messages_total',
    help: 'Messages posted to an ESP, by outcome: sent, failed (refused for good) or retry (left for the next attempt)',
    labelNames: ['outcome', 'integration'] as const,
    registers: [this.registry],
  });

  readonly excluded = new Counter({
    name: 'sendgate_messages_excluded_total',
    help: 'Messages excluded at generation, by reason: no_address, or the suppression (hard_bounce, complaint, unsubscribed, manual)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly espRequest = new Histogram({
    name: 'sendgate_esp_request_seconds',
    help: 'Duration of one POST to an ESP, by integration and answer status class (error: no answer)',
    labelNames: ['integration', 'status_class'] as const,
    buckets: ESP_BUCKETS,
    registers: [this.registry],
  });

  readonly espRetries = new Counter({
    name: 'sendgate_esp_retries_total',
    help: 'ESP answers that leave a message for a retry, by reason: 429 (come back later), 5xx, timeout, network',
    labelNames: ['integration', 'reason'] as const,
    registers: [this.registry],
  });

  readonly gateDecisions = new Counter({
    name: 'sendgate_gate_decisions_total',
    help: 'Send gate decisions committed: accepted or timed_out or canceled per batch, rejected per contact',
    labelNames: ['decision'] as const,
    registers: [this.registry],
  });

  readonly pageActivity = new Histogram({
    name: 'sendgate_page_activity_seconds',
    help: 'Duration of one attempt of a paged activity, whatever its outcome',
    labelNames: ['activity'] as const,
    buckets: PAGE_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'sendgate_' });
  }

  private outboxReader?: { read: () => Promise<FeedbackOutboxState>; failed: (error: Error) => void };
  private outboxRead?: Promise<FeedbackOutboxState | undefined>;

  /**
   * Serves the feedback outbox gauges from `read`, called when Prometheus scrapes. One process per
   * deployment is enough to do this (the API does): the numbers are the database's, not the
   * process's. A later call replaces the reader; the answer stops it. A read that fails (the
   * database is down) makes the gauges NaN for that scrape and goes to `failed`: the process's
   * other metrics are still served.
   */
  watchFeedbackOutbox(read: () => Promise<FeedbackOutboxState>, failed: (error: Error) => void = () => {}): () => void {
    if (!this.registry.getSingleMetric('sendgate_feedback_outbox_due')) {
      this.outboxGauge(
        'sendgate_feedback_outbox_due',
        'Feedback deliveries due and not delivered yet (counted up to 100,000)',
        (s) => s.due,
      );
      this.outboxGauge(
        'sendgate_feedback_dead',
        'Feedback deliveries given up after the retry window (counted up to 100,000)',
        (s) => s.dead,
      );
      this.outboxGauge(
        'sendgate_feedback_oldest_due_seconds',
        'How long the longest-waiting due feedback delivery has been due',
        (s) => s.oldestDueSeconds,
      );
    }
    const reader = { read, failed };
    this.outboxReader = reader;
    return () => {
      if (this.outboxReader === reader) this.outboxReader = undefined;
    };
  }

  private outboxGauge(name: string, help: string, pick: (state: FeedbackOutboxState) => number): void {
    const state = () => this.outboxState();
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        const current = await state();
        // NaN, not 0, when unknown: "nothing due" would be a lie while the database is down.
        this.set(current ? pick(current) : NaN);
      },
    });
  }

  /** The three gauges are collected on the same scrape: one read serves them all. */
  private async outboxState(): Promise<FeedbackOutboxState | undefined> {
    const reader = this.outboxReader;
    if (!reader) return undefined;
    return (this.outboxRead ??= reader
      .read()
      .catch((error: Error) => {
        reader.failed(error);
        return undefined;
      })
      .finally(() => setImmediate(() => (this.outboxRead = undefined))));
  }

  /** The text Prometheus scrapes. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The process's metrics: activities and the API record into it, `/metrics` serves it. */
export const metrics = new SendgateMetrics();

/** The class of an HTTP status, or `error` when there was no answer. */
export function statusClass(status: number | undefined): StatusClass {
  if (status === undefined) return 'error';
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500 && status < 600) return '5xx';
  return 'error';
}

/** Seconds since `start` (from `process.hrtime.bigint()`). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** `activity` with each attempt's duration observed in `sendgate_page_activity_seconds`, failed attempts too. */
export function timedPageActivity<A extends unknown[], R>(
  activity: PageActivity,
  run: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const started = process.hrtime.bigint();
    try {
      return await run(...args);
    } finally {
      metrics.pageActivity.observe({ activity }, secondsSince(started));
    }
  };
}
