/**
 * What the send page activity's specs share: SQLite in memory with the product's migrations, a fake
 * ESP as a real server on 127.0.0.1, the activity under test with a fresh activity context for each
 * test, and sendouts of ACCEPTED messages to send. Call it at the top of a spec file: it registers
 * the hooks that open and close them.
 */
import { randomUUID } from 'node:crypto';
import { EspIntegrationEntity, IntegrationStatus, SendoutEntity } from '@sendgate/database';
import { MessageContent, MessageState, SendoutStage } from '@sendgate/domain';
import { EspClient, OutboundGuard } from '@sendgate/esp';
import { createSendoutActivities } from '../activities';
import { ActivityEnvironment } from './activity-environment';
import { EspReceiver } from './esp-receiver';
import { TEST_SECRETS, sendoutActivityDeps } from './sendout-activity-deps';
import { sendoutRow } from './sendout-row';
import { TestDatabase } from './test-databases';

export interface SendPageFixture {
  db: TestDatabase;
  esp: EspReceiver;
  guard: OutboundGuard;
  espClient: EspClient;
  /** The activity, and a fresh context to run it in, set before each test. */
  sut: ReturnType<typeof createSendoutActivities>['sendMessagePage'];
  env: ActivityEnvironment;
  /** An active email integration of the account posting to the fake ESP (or `url`); answers its id. */
  integration(
    accountId: string,
    options?: { url?: string; payloadTemplate?: string; headers?: Array<{ key: string; secret: boolean; value: string }> },
  ): Promise<string>;
  /** A sendout of `count` ACCEPTED messages to contacts c-1 … c-<count> (first names Contact1 …). */
  sendout(
    count: number,
    options?: { url?: string; content?: MessageContent; payloadTemplate?: string },
  ): Promise<{ sendoutId: string; integrationId: string; ids: number[]; range: [number, number] }>;
  /** The idempotency keys the fake ESP received for a sendout, in arrival order. */
  keysOf(sendoutId: string): string[];
}

export function sendPageFixture(): SendPageFixture {
  const db = new TestDatabase('sqlite');
  const esp = new EspReceiver();
  const guard = new OutboundGuard({ allowPrivateNetworks: true });
  const espClient = new EspClient({ connectionsPerOrigin: 4, timeoutMs: 10_000, guard });

  const fixture: SendPageFixture = {
    db,
    esp,
    guard,
    espClient,
    sut: undefined as never,
    env: undefined as never,
    async integration(accountId, options = {}) {
      const id = randomUUID();
      await db.dataSource.getRepository(EspIntegrationEntity).insert({
        id,
        accountId,
        name: 'fake ESP',
        channel: 'email',
        url: options.url ?? esp.url,
        payloadTemplate: options.payloadTemplate ?? '{"to":"${email}","subject":"${subject}"}',
        status: IntegrationStatus.ACTIVE,
        identifierType: 'email',
        headers: options.headers ?? [],
        messageIdPath: null,
        authType: 'none',
        authSettings: null,
        authSecrets: null,
        rateLimitPerSecond: null,
      });
      return id;
    },
    async sendout(count, options = {}) {
      const accountId = await db.accountWithContacts(count, (i) => ({ firstName: `Contact${i}` }));
      const integrationId = await fixture.integration(accountId, {
        ...options,
        headers: [{ key: 'x-api-key', secret: true, value: TEST_SECRETS.seal('s3cret') }],
      });
      const id = randomUUID();
      await db.dataSource.getRepository(SendoutEntity).insert(
        sendoutRow({
          id,
          accountId,
          integrationId,
          name: 'Spring',
          content: options.content ?? { subject: 'Hi {{ contact.firstName }}' },
          stage: SendoutStage.SENDING,
        }),
      );
      const { ids } = await db.messages(accountId, count, MessageState.ACCEPTED, id);
      return { sendoutId: id, integrationId, ids, range: [ids[0], ids[ids.length - 1]] };
    },
    keysOf: (sendoutId) => esp.requests.filter((r) => r.key.startsWith(`${sendoutId}:`)).map((r) => r.key),
  };

  beforeAll(async () => {
    await Promise.all([db.open(), esp.start()]);
    fixture.sut = createSendoutActivities(sendoutActivityDeps(db, espClient, guard)).sendMessagePage;
  });
  afterAll(async () => {
    await espClient.close();
    await Promise.all([db.close(), esp.stop()]);
  });
  beforeEach(() => {
    fixture.env = new ActivityEnvironment({ activityType: 'sendMessagePage' });
    esp.respond = () => ({ status: 200 });
  });
  return fixture;
}
