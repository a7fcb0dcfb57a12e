import { Provider } from '@nestjs/common';
import { createSendoutActivities, SendoutActivities } from '@sendgate/activities';
import { SecretBox } from '@sendgate/crypto';
import {
  GateEndpointsRepository,
  GateRepository,
  IntegrationsRepository,
  MessagesRepository,
  ProjectsRepository,
  RateLimiter,
  SegmentsRepository,
  SendoutsRepository,
  Sql,
} from '@sendgate/database';
import { EspClient, TokenCache } from '@sendgate/esp';
import { GateNotifier, GateUris } from '@sendgate/gate';

export const SENDOUT_ACTIVITIES = Symbol('SENDOUT_ACTIVITIES');

/** Where Nest's dependency injection meets Temporal: the activity factory gets its dependencies. */
export const activitiesProvider: Provider<SendoutActivities> = {
  provide: SENDOUT_ACTIVITIES,
  inject: [
    Sql,
    SendoutsRepository,
    ProjectsRepository,
    SegmentsRepository,
    IntegrationsRepository,
    GateEndpointsRepository,
    MessagesRepository,
    GateRepository,
    EspClient,
    TokenCache,
    GateUris,
    GateNotifier,
    SecretBox,
  ],
  useFactory: (
    sql: Sql,
    sendouts: SendoutsRepository,
    projects: ProjectsRepository,
    segments: SegmentsRepository,
    integrations: IntegrationsRepository,
    gateEndpoints: GateEndpointsRepository,
    messages: MessagesRepository,
    gates: GateRepository,
    esp: EspClient,
    tokens: TokenCache,
    gateUris: GateUris,
    notifier: GateNotifier,
    secrets: SecretBox,
  ) =>
    createSendoutActivities({
      sendouts,
      projects,
      segments,
      integrations,
      gateEndpoints,
      messages,
      gates,
      esp,
      tokens,
      limiter: new RateLimiter(sql),
      gateUris,
      notifier,
      secrets,
    }),
};
