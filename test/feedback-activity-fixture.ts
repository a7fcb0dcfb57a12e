/**
 * What the feedback activities' specs share: a real activity context, SQLite in memory with the
 * product's migrations, the real dispatcher and sender, and feedback receivers as real servers on
 * 127.0.0.1 that verify every JWT; sendouts reporting to webhooks of those receivers. Call it at the
 * top of a spec file: it registers the hooks that open and close them.
 */
import { randomUUID } from 'node:crypto';
import { SecretBox } from '@sendgate/crypto';
import {
  FeedbackDeliveriesRepository,
  FeedbackWebhooksRepository,
  MessagesRepository,
  ProjectsRepository,
  SendoutsRepository,
} from '@sendgate/database';
import { MessageState } from '@sendgate/domain';
import { EspClient, OutboundGuard } from '@sendgate/esp';
import { FeedbackDispatcher, FeedbackSender } from '@sendgate/feedback';
import { FeedbackActivityDeps, createFeedbackActivities } from '../activities';
import { FeedbackReceiver } from './feedback-receiver';
import { sendoutRow } from './sendout-row';
import { TestDatabase } from './test-databases';

export type FeedbackActivityFixture = ReturnType<typeof feedbackActivityFixture>;

export function feedbackActivityFixture() {
  let sut: ReturnType<typeof createFeedbackActivities>;
  let deps: FeedbackActivityDeps;
  let webhooks: FeedbackWebhooksRepository;
  const db = new TestDatabase('sqlite');
  const secrets = new SecretBox({ test: Buffer.alloc(32, 7) }, 'test');
  const client = new EspClient({ connectionsPerOrigin: 4, timeoutMs: 2_000, guard: new OutboundGuard({ allowPrivateNetworks: true }) });
  /** An outbound client that refuses loopback and private addresses, as production does by default. */
  const strictClient = new EspClient({
    connectionsPerOrigin: 1,
    timeoutMs: 2_000,
    guard: new OutboundGuard({ allowPrivateNetworks: false }),
  });
  const receiver = new FeedbackReceiver('activity-test-secret');
  const notifyReceiver = new FeedbackReceiver('', false);

  beforeAll(async () => {
    await Promise.all([db.open(), receiver.start(), notifyReceiver.start()]);
    webhooks = new FeedbackWebhooksRepository(db.sql);
    const deliveries = new FeedbackDeliveriesRepository(db.sql);
    const dispatcher = new FeedbackDispatcher(deliveries, webhooks, new FeedbackSender(client), secrets, {
      receiverConcurrency: 2,
      concurrency: 8,
      batchSize: 7,
      leaseMs: 10_000,
      retry: { backoffInitialMs: 60_000, backoffMaxMs: 600_000, retryWindowMs: 24 * 3_600_000 },
      receiverCacheMs: 0,
    });
    deps = { dispatcher, deliveries, pollIdleMs: 50 };
    sut = createFeedbackActivities(deps);
  });

  afterAll(async () => {
    await Promise.all([client.close(), strictClient.close()]);
    await Promise.all([db.close(), receiver.stop(), notifyReceiver.stop()]);
  });

  beforeEach(() => {
    receiver.mode = 'up';
  });

  /** A dispatcher through the strict client that retries at once, one delivery at a time. */
  function strictDispatcher(): FeedbackDispatcher {
    return new FeedbackDispatcher(new FeedbackDeliveriesRepository(db.sql), webhooks, new FeedbackSender(strictClient), secrets, {
      receiverConcurrency: 1,
      concurrency: 1,
      batchSize: 10,
      leaseMs: 10_000,
      retry: { backoffInitialMs: 1, backoffMaxMs: 1, retryWindowMs: 3_600_000 },
    });
  }

  /**
   * A webhook of a new account to the receiver (or `url`), taking `maxEventsPerRequest` events a request,
   * and a sendout reporting to it with `count` messages SENDING, the first `sentNow` of them marked
   * SENT (their `sent` events queued).
   */
  async function sendoutWithFeedback(count: number, url = receiver.url, sentNow = count, maxEventsPerRequest = 1) {
    const accountId = await db.accountWithContacts(count);
    const webhookId = await insertWebhook(accountId, url, maxEventsPerRequest);
    const { sendoutId, ids } = await sendoutTo(accountId, [webhookId], count);
    await markSent(ids.slice(0, sentNow));
    return { accountId, sendoutId, webhookId, ids };
  }

  /** A webhook of the account, signing with the receivers' shared secret. */
  async function insertWebhook(accountId: string, url: string, maxEventsPerRequest: number): Promise<string> {
    const id = randomUUID();
    await webhooks.insert({
      id,
      accountId,
      name: 'receiver',
      channels: 'email',
      url,
      authType: 'jwt',
      authSettings: { algorithm: 'HS256' },
      authSecret: secrets.seal(receiver.secret),
      headers: [],
      maxEventsPerRequest,
      deletedAt: null,
    });
    return id;
  }

  /** A sendout of a new project of the account reporting to `webhookIds`, with `count` messages SENDING. */
  async function sendoutTo(accountId: string, webhookIds: string[], count: number) {
    const projectId = randomUUID();
    await new ProjectsRepository(db.sql).insert({ id: projectId, accountId, name: 'Spring' });
    const sendoutId = randomUUID();
    await new SendoutsRepository(db.sql).insert(
      sendoutRow({ id: sendoutId, accountId, integrationId: randomUUID(), projectId }),
      webhookIds,
    );
    const { ids } = await db.messages(accountId, count, MessageState.SENDING, sendoutId);
    return { sendoutId, ids };
  }

  /** What a send page records: the messages SENT, their `sent` events queued in the same transaction. */
  async function markSent(ids: number[]) {
    await new MessagesRepository(db.sql).markSent(
      ids.map((id) => ({ id })),
      { feedback: true },
    );
  }

  /** The events of a sendout the receiver accepted, by message id in order. */
  function receivedMessageIds(sendoutId: string): number[] {
    return receiver.accepted
      .filter((e) => e.body.messageExecution.campaignID === sendoutId)
      .map((e) => Number(e.body.messageExecution.messageExecutionID))
      .sort((a, b) => a - b);
  }

  /** How many events each request the receiver accepted for the sendout carried, in arrival order. */
  function requestSizes(sendoutId: string): number[] {
    return receiver.requests.filter((events) => events[0].messageExecution.campaignID === sendoutId).map((events) => events.length);
  }

  async function deliveryStates(sendoutId: string) {
    const rows = await db.sql.all<{ state: string; n: number | string; last_error: string | null }>(
      'SELECT state, last_error, COUNT(*) AS n FROM feedback_deliveries WHERE sendout_id = ? GROUP BY state, last_error',
      [sendoutId],
    );
    return rows.map((r) => ({ state: r.state, error: r.last_error, n: Number(r.n) }));
  }

  return {
    db,
    secrets,
    client,
    receiver,
    notifyReceiver,
    /** The activities, over a dispatcher that claims 7 rows at a time and retries after a minute. */
    get sut() {
      return sut;
    },
    get deps() {
      return deps;
    },
    get webhooks() {
      return webhooks;
    },
    strictDispatcher,
    sendoutWithFeedback,
    insertWebhook,
    sendoutTo,
    markSent,
    receivedMessageIds,
    requestSizes,
    deliveryStates,
  };
}
