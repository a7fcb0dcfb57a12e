/**
 * Delivers the feedback outbox a batch at a time: claims due deliveries (a lease, so a dispatcher
 * that dies gives its rows up), opens their receivers (cached briefly), builds each AJO body (or,
 * for an email API request's notifyUrl, the `{results: [report]}` push), POSTs them with bounded
 * concurrency per receiver and in all, and records the outcomes set-based. A webhook that takes
 * several events per request gets the batch's first attempts for it gathered into arrays of up to
 * its maximum (a retry goes alone); every row of a request shares its outcome.
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
  ClaimedWebhookDelivery,
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

/** One POST: the rows it delivers (one, or a webhook's batch), the receiver it counts against, and how it is made. */
interface OutboundRequest {
  rows: ClaimedDelivery[];
  receiverKey: string;
  attempt: () => Promise<FeedbackAttempt>;
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
    const delivered: Array<{ id: number; status: number }> = [];
    const failures: DeliveryFailure[] = [];
    const requests = this.requestsFor(claimed, await this.receiversFor(claimed), failures);
    const failing = new Map<string, Omit<DeliveryFailure, 'id' | 'attempts' | 'createdAt'>>();
    const { overall, perReceiver } = this;

    const send = async ({ rows, receiverKey, attempt }: OutboundRequest) => {
      let lane = perReceiver.get(receiverKey);
      if (!lane) perReceiver.set(receiverKey, (lane = new Semaphore(this.options.receiverConcurrency)));
      const fail = (failure: Omit<DeliveryFailure, 'id' | 'attempts' | 'createdAt'>) => {
        for (const row of rows) failures.push({ ...row, ...failure });
      };
      await lane.run(() =>
        overall.run(async () => {
          const earlier = failing.get(receiverKey);
          if (earlier) return fail(earlier);
          const outcome = await attempt();
          switch (outcome.kind) {
            case 'delivered':
              for (const row of rows) delivered.push({ id: row.id, status: outcome.status });
              return;
            case 'failed': {
              const failure = { status: outcome.status, error: outcome.error, retryAfterMs: outcome.retryAfterMs };
              failing.set(receiverKey, failure);
              return fail(failure);
            }
            case 'refused': {
              const failure = { error: `destination refused: ${outcome.error}`, final: true };
              failing.set(receiverKey, failure);
              return fail(failure);
            }
          }
        }),
      );
      // notifyUrl hosts come and go with the requests: a lane nobody waits on is not kept
      if (lane.idle) perReceiver.delete(receiverKey);
    };

    try {
      await Promise.all(
        requests.map((request) =>
          send(request).catch((error: Error) => {
            for (const row of request.rows) failures.push({ ...row, error: error.message });
          }),
        ),
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

  /**
   * The requests that deliver a claimed batch, in the order of its rows: a notifyUrl push per row,
   * and a webhook's events one per request or, for a webhook that takes several, gathered up to its
   * maximum (a request is made when it is full or the batch ends). An event being retried goes
   * alone: if the receiver refused a request for one of its events (a 400, a 413), the others are
   * not held back with it again. A row that cannot be delivered (the request gone, the webhook
   * deleted or its secrets unreadable) goes to `failures` instead.
   */
  private requestsFor(claimed: ClaimedDelivery[], receivers: Map<string, CachedReceiver>, failures: DeliveryFailure[]): OutboundRequest[] {
    const requests: OutboundRequest[] = [];
    const gathering = new Map<string, { receiver: FeedbackReceiver; rows: ClaimedWebhookDelivery[] }>();
    const gathered = (receiver: FeedbackReceiver, rows: ClaimedWebhookDelivery[]): OutboundRequest => ({
      rows,
      receiverKey: receiver.id,
      attempt: () =>
        this.sender.deliver(
          receiver,
          rows.map((r) => feedbackBody(r.facts)),
        ),
    });
    for (const row of claimed) {
      if (row.target === 'notify') {
        const { notify, report } = row;
        if (!notify || !report) failures.push({ ...row, error: 'the request is gone', final: true });
        // each request names its notifyUrl: the receiver is the host it points to, shared by many requests
        else
          requests.push({
            rows: [row],
            receiverKey: `notify:${originOf(notify.url)}`,
            attempt: () => this.sender.push(notify, { results: [report] }),
          });
        continue;
      }
      const receiver = receivers.get(row.webhookId)?.receiver;
      if (!receiver) {
        const problem = receivers.get(row.webhookId)?.problem ?? { error: 'webhook deleted', final: true };
        failures.push({ ...row, error: problem.error, final: problem.final });
      } else if (receiver.maxEventsPerRequest <= 1 || row.attempts > 0) {
        const facts = row.facts;
        requests.push({ rows: [row], receiverKey: receiver.id, attempt: () => this.sender.deliver(receiver, feedbackBody(facts)) });
      } else {
        let open = gathering.get(receiver.id);
        if (!open) gathering.set(receiver.id, (open = { receiver, rows: [] }));
        open.rows.push(row);
        if (open.rows.length >= receiver.maxEventsPerRequest) {
          requests.push(gathered(receiver, open.rows));
          gathering.delete(receiver.id);
        }
      }
    }
    for (const { receiver, rows } of gathering.values()) requests.push(gathered(receiver, rows));
    return requests;
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
