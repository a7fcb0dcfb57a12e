import { SecretBox, UnsubscribeLinks } from '@sendgate/crypto';
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
} from '@sendgate/database';
import { EspClient, TokenCache } from '@sendgate/esp';
import { GateNotifier, GateUris } from '@sendgate/gate';

/** What the sendout activities need from the outside world; the worker's Nest context provides it. */
export interface SendoutActivityDeps {
  sendouts: SendoutsRepository;
  projects: ProjectsRepository;
  segments: SegmentsRepository;
  integrations: IntegrationsRepository;
  gateEndpoints: GateEndpointsRepository;
  messages: MessagesRepository;
  emailBulks: EmailBulksRepository;
  /** The bulk, recipients and files of a sendout made by the email API. */
  emailSends: EmailSendsRepository;
  gates: GateRepository;
  esp: EspClient;
  /** OAuth2 access tokens per integration, shared by every send of this worker. */
  tokens: TokenCache;
  /** Messages-per-second limits per integration, shared with every other worker through the database. */
  limiter: RateLimiter;
  gateUris: GateUris;
  notifier: GateNotifier;
  secrets: SecretBox;
  /** Signs each message's one-click unsubscribe link (`{{ unsubscribe_url }}`, `${listUnsubscribe}`). */
  unsubscribeLinks: UnsubscribeLinks;
}
