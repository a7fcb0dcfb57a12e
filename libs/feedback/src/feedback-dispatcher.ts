/**
 * Delivers the feedback outbox a batch at a time: claims due deliveries (a lease, so a dispatcher
 * that dies gives its rows up), opens their receivers (cached briefly), builds each AJO body (or,
 * for an email API request's notifyUrl, the `{results: [report]}` push), POSTs it with bounded
 * concurrency per receiver and in all, and records the outcomes set-based.
 *
 * Batches may run side by side (the next one claimed and posted while the last one finishes): the
 * per-message order holds because a row is claimable only once no earlier row of its message is
 * still PENDING, and the concurrency bounds are the dispatcher's, shared by its batches.
 *
 * A receiver that fails an attempt in a batch (down, timing out, answering 5xx) is not tried again
 * in that batch: its remaining rows fail with the same error and wait for their backoff, so one
 * dead receiver holds a batch for about one request time, well within the lease.
 */
import type { SecretBox } from '@sendgate/crypto';
import type {
  ClaimedDelivery,
  DeliveryFailure,
  FeedbackDeliveriesRepository,
  FeedbackRetryPolicy,
  FeedbackWebhooksRepository,
} from '@sendgate/database';
import { feedbackBody, groupBy } from '@sendgate/domain';
import { openReceiver } from './feedback-receiver';
import { FeedbackAttempt, FeedbackReceiver, FeedbackSender } from './feedback-sender';

export interface FeedbackDispatcherOptions {
  receiverConcurrency: number;
  concurrency: number;
  batchSize: number;
  leaseMs: number;
  retry: FeedbackRetryPolicy;
  /** How long an opened receiver is reused before its row is read again (an edit or delete shows after this). */
  receiverCacheMs?: number;
}

export interface DispatchFilter {
  sendoutId?: string;
  firstAttemptOnly?: boolean;
}

export interface DispatchResult {
  claimed: number;
  delivered: number;
  failed: number;
}

type CachedReceiver = { at: number; receiver?: FeedbackReceiver; problem?: { error: string; final: boolean } };

const DEFAULT_RECEIVER_CACHE_MS = 10_000;

export class FeedbackDispatcher {
  private readonly receivers = new Map<string, CachedReceiver>();
  /** Shared by every batch this dispatcher runs at once: the bounds hold across them. */
  private readonly overall: Semaphore;
  private readonly perReceiver = new Map<string, Semaphore>();

  constructor(
    private readonly deliveries: FeedbackDeliveriesRepository,
    private readonly webhooks: FeedbackWebhooksRepository,
    private readonly sender: FeedbackSender,
    private readonly box: SecretBox,
    private readonly options: FeedbackDispatcherOptions,
  ) {
    this.overall = new Semaphore(options.concurrency);
  }

  /** Claims one batch and delivers it; answers how many rows it claimed and how they went. */
  async dispatchBatch(filter: DispatchFilter = {}): Promise<DispatchResult> {
    const claimed = await this.deliveries.claim({ limit: this.options.batchSize, leaseMs: this.options.leaseMs, ...filter });
    if (claimed.length === 0) return { claimed: 0, delivered: 0, failed: 0 };
    const receivers = await this.receiversFor(claimed);
    const delivered: Array<{ id: number; status: number }> = [];
    const failures: DeliveryFailure[] = [];
    const failing = new Map<string, Omit<DeliveryFailure, 'id' | 'attempts' | 'createdAt'>>();
    const { overall, perReceiver } = this;

    const deliverOne = async (row: ClaimedDelivery) => {
      let attempt: () => Promise<FeedbackAttempt>;
      // the receiver, for the concurrency bound and for "failed once in this batch"
      let receiverKey = row.webhookId;
      if (row.target === 'notify') {
        const { notify, report } = row;
        if (!notify || !report) return void failures.push({ ...row, error: 'the request is gone', final: true });
        attempt = () => this.sender.push(notify, { results: [report] });
        // each request names its notifyUrl: the receiver is the host it points to, shared by many requests
        receiverKey = `notify:${originOf(notify.url)}`;
      } else {
        const receiver = receivers.get(row.webhookId)?.receiver;
        if (!receiver) {
          const problem = receivers.get(row.webhookId)?.problem ?? { error: 'webhook deleted', final: true };
          return void failures.push({ ...row, error: problem.error, final: problem.final });
        }
        const facts = row.facts;
        attempt = () => this.sender.deliver(receiver, feedbackBody(facts));
      }
      let lane = perReceiver.get(receiverKey);
      if (!lane) perReceiver.set(receiverKey, (lane = new Semaphore(this.options.receiverConcurrency)));
      await lane.run(() =>
        overall.run(async () => {
          const earlier = failing.get(receiverKey);
          if (earlier) return void failures.push({ ...row, ...earlier });
          const outcome = await attempt();
          switch (outcome.kind) {
            case 'delivered':
              return void delivered.push({ id: row.id, status: outcome.status });
            case 'failed': {
              const failure = { status: outcome.status, error: outcome.error, retryAfterMs: outcome.retryAfterMs };
              failing.set(receiverKey, failure);
              return void failures.push({ ...row, ...failure });
            }
            case 'refused': {
              const failure = { error: `destination refused: ${outcome.error}`, final: true };
              failing.set(receiverKey, failure);
              return void failures.push({ ...row, ...failure });
            }
          }
        }),
      );
      // notifyUrl hosts come and go with the requests: a lane nobody waits on is not kept
      if (lane.idle) perReceiver.delete(receiverKey);
    };

    try {
      await Promise.all(
        claimed.map((row) => deliverOne(row).catch((error: Error) => void failures.push({ ...row, error: error.message }))),
      );
    } finally {
      for (const [status, rows] of groupBy(delivered, (d) => d.status)) {
        await this.deliveries.markDelivered(
          rows.map((d) => d.id),
          status,
        );
      }
      if (failures.length > 0) await this.deliveries.markFailed(failures, this.options.retry);
    }
    return { claimed: claimed.length, delivered: delivered.length, failed: failures.length };
  }

  /** The receivers of a batch, opened, from the cache or one read of their rows. */
  private async receiversFor(rows: ClaimedDelivery[]): Promise<Map<string, CachedReceiver>> {
    const now = Date.now();
    const ttl = this.options.receiverCacheMs ?? DEFAULT_RECEIVER_CACHE_MS;
    // a report push carries its own receiver (the request's notifyUrl)
    const ids = [...new Set(rows.filter((r) => r.target === 'webhook').map((r) => r.webhookId))];
    if (ids.length === 0) return new Map();
    const stale = ids.filter((id) => (this.receivers.get(id)?.at ?? -Infinity) + ttl < now);
    if (stale.length > 0) {
      if (this.receivers.size > 10_000) this.receivers.clear();
      const found = new Map((await this.webhooks.findByIds(stale)).map((w) => [w.id, w]));
      for (const id of stale) {
        const webhook = found.get(id);
        let entry: CachedReceiver;
        if (!webhook || webhook.deletedAt) entry = { at: now, problem: { error: 'webhook deleted', final: true } };
        else {
          try {
            entry = { at: now, receiver: openReceiver(webhook, this.box) };
          } catch (error) {
            // a key missing from this process's key ring: another process (or a later deploy) may open it
            entry = { at: now, problem: { error: `could not open the webhook's secrets: ${(error as Error).message}`, final: false } };
          }
        }
        this.receivers.set(id, entry);
      }
    }
    return new Map(ids.map((id) => [id, this.receivers.get(id)!]));
  }
}

/** The scheme, host and port of a URL (the URL itself when it does not parse: its attempt fails on its own). */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** At most `limit` tasks at a time, in arrival order. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // a finishing task hands its permit straight to the next waiter
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
