import { Provider } from '@nestjs/common';
import {
  CampaignActivities,
  createCampaignActivities,
  createEmailLogActivities,
  createFeedbackActivities,
  createJourneyActivities,
  createSendoutActivities,
  EmailLogActivities,
  FeedbackActivities,
  JourneyActivities,
  SendoutActivities,
} from '@sendgate/activities';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { SecretBox, UnsubscribeLinks } from '@sendgate/crypto';
import {
  CampaignsRepository,
  EmailBulksRepository,
  EmailSendsRepository,
  FeedbackDeliveriesRepository,
  FeedbackWebhooksRepository,
  GateEndpointsRepository,
  GateRepository,
  IntegrationsRepository,
  JourneyRunsRepository,
  JourneysRepository,
  MessagesRepository,
  ProjectsRepository,
  RateLimiter,
  SegmentsRepository,
  SendoutsRepository,
  Sql,
} from '@sendgate/database';
import { EspClient, TokenCache } from '@sendgate/esp';
import { FeedbackDispatcher, FeedbackSender } from '@sendgate/feedback';
import { GateNotifier, GateUris } from '@sendgate/gate';

export const SENDOUT_ACTIVITIES = Symbol('SENDOUT_ACTIVITIES');
/** The EspClient of feedback deliveries: its own keep-alive pools, sized for the dispatcher's concurrency. */
export const FEEDBACK_ESP_CLIENT = Symbol('FEEDBACK_ESP_CLIENT');
/** An AbortSignal that aborts when the worker process begins to shut down. */
export const WORKER_STOPPING = Symbol('WORKER_STOPPING');

/** Where Nest's dependency injection meets Temporal: the activity factory gets its dependencies. */
export const activitiesProvider: Provider<
  SendoutActivities & FeedbackActivities & EmailLogActivities & JourneyActivities & CampaignActivities
> = {
  provide: SENDOUT_ACTIVITIES,
  inject: [
    Sql,
    SendoutsRepository,
    ProjectsRepository,
    SegmentsRepository,
    IntegrationsRepository,
    GateEndpointsRepository,
    MessagesRepository,
    EmailSendsRepository,
    GateRepository,
    EspClient,
    TokenCache,
    GateUris,
    GateNotifier,
    SecretBox,
    SENDGATE_CONFIG,
    FeedbackDeliveriesRepository,
    FeedbackWebhooksRepository,
    FEEDBACK_ESP_CLIENT,
    EmailBulksRepository,
    JourneysRepository,
    JourneyRunsRepository,
    CampaignsRepository,
    UnsubscribeLinks,
    WORKER_STOPPING,
  ],
  useFactory: (
    sql: Sql,
    sendouts: SendoutsRepository,
    projects: ProjectsRepository,
    segments: SegmentsRepository,
    integrations: IntegrationsRepository,
    gateEndpoints: GateEndpointsRepository,
    messages: MessagesRepository,
    emailSends: EmailSendsRepository,
    gates: GateRepository,
    esp: EspClient,
    tokens: TokenCache,
    gateUris: GateUris,
    notifier: GateNotifier,
    secrets: SecretBox,
    config: SendgateConfig,
    deliveries: FeedbackDeliveriesRepository,
    webhooks: FeedbackWebhooksRepository,
    feedbackEsp: EspClient,
    emailBulks: EmailBulksRepository,
    journeys: JourneysRepository,
    journeyRuns: JourneyRunsRepository,
    campaigns: CampaignsRepository,
    unsubscribeLinks: UnsubscribeLinks,
    stopping: AbortSignal,
  ) => ({
    ...createSendoutActivities({
      sendouts,
      projects,
      segments,
      integrations,
      gateEndpoints,
      messages,
      emailBulks,
      emailSends,
      gates,
      esp,
      tokens,
      limiter: new RateLimiter(sql),
      gateUris,
      notifier,
      secrets,
      unsubscribeLinks,
    }),
    ...createFeedbackActivities({
      dispatcher: new FeedbackDispatcher(deliveries, webhooks, new FeedbackSender(feedbackEsp), secrets, {
        receiverConcurrency: config.feedback.receiverConcurrency,
        concurrency: config.feedback.concurrency,
        batchSize: config.feedback.batchSize,
        leaseMs: config.feedback.leaseMs,
        retry: {
          backoffInitialMs: config.feedback.backoffInitialMs,
          backoffMaxMs: config.feedback.backoffMaxMs,
          retryWindowMs: config.feedback.retryWindowHours * 3_600_000,
        },
      }),
      deliveries,
      pollIdleMs: config.feedback.pollIdleMs,
      stopping,
    }),
    ...createEmailLogActivities({ emailBulks, emailSends }),
    ...createJourneyActivities({ sendouts, journeys, journeyRuns, projects }),
    ...createCampaignActivities({ campaigns, sendouts, projects }),
  }),
};
