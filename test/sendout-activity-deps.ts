/** The sendout activities' dependencies over one test database, for activity tests without a worker. */
import { SecretBox, TokenSigner, UnsubscribeLinks } from '../libs/crypto/src';
import {
  EmailBulksRepository,
  EmailSendsRepository,
  GateEndpointsRepository,
  GateRepository,
  IntegrationsRepository,
  MessagesRepository,
  ProjectsRepository,
  RateLimiter,
  SegmentsRepository,
  SendoutsRepository,
} from '../libs/database/src';
import { EspClient, OutboundGuard, TokenCache } from '../libs/esp/src';
import { GateNotifier, GateUris } from '../libs/gate/src';
import { createSendoutActivities, type SendoutActivities } from '../activities';
import type { SendoutActivityDeps } from '../activities/deps';
import { TestDatabase } from './test-databases';

export const TEST_SECRETS = new SecretBox({ test: Buffer.alloc(32, 7) }, 'test');
export const TEST_SIGNER = new TokenSigner('test-signing-key-0123456789abcdefghijklmnop');

/** Real repositories on `db`, loopback-allowed outbound clients; the ESP client is the caller's (it closes it). */
export function sendoutActivityDeps(
  db: TestDatabase,
  esp: EspClient,
  guard = new OutboundGuard({ allowPrivateNetworks: true }),
): SendoutActivityDeps {
  return {
    sendouts: new SendoutsRepository(db.sql),
    projects: new ProjectsRepository(db.sql),
    segments: new SegmentsRepository(db.sql),
    integrations: new IntegrationsRepository(db.sql),
    gateEndpoints: new GateEndpointsRepository(db.sql),
    messages: new MessagesRepository(db.sql),
    emailBulks: new EmailBulksRepository(db.sql),
    emailSends: new EmailSendsRepository(db.sql),
    gates: new GateRepository(db.sql),
    esp,
    tokens: new TokenCache({ timeoutMs: 2_000, guard }),
    limiter: new RateLimiter(db.sql),
    gateUris: new GateUris(TEST_SIGNER, 'http://127.0.0.1:3000', 60_000),
    notifier: new GateNotifier(2_000, guard),
    secrets: TEST_SECRETS,
    unsubscribeLinks: new UnsubscribeLinks(TEST_SIGNER, 'http://127.0.0.1:3000'),
  };
}

/**
 * The sendout activities of a spec file that posts to no ESP, over SQLite in memory with the
 * product's migrations: opened before the file's tests, closed after them. `activities()` answers
 * once the database is open (in a test or a later beforeAll).
 */
export function sqliteSendoutActivities(): { db: TestDatabase; activities: () => SendoutActivities } {
  const db = new TestDatabase('sqlite');
  const guard = new OutboundGuard({ allowPrivateNetworks: true });
  const esp = new EspClient({ connectionsPerOrigin: 1, timeoutMs: 1_000, guard });
  let built: SendoutActivities | undefined;
  beforeAll(async () => {
    await db.open();
    built = createSendoutActivities(sendoutActivityDeps(db, esp, guard));
  });
  afterAll(async () => {
    await esp.close();
    await db.close();
  });
  return {
    db,
    activities: () => {
      if (!built) throw new Error('the database is not open yet: call activities() in a test or a beforeAll');
      return built;
    },
  };
}
