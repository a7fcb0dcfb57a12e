import { Provider } from '@nestjs/common';
import { createSendoutActivities, SendoutActivities } from '@sendgate/activities';
import { SecretBox } from '@sendgate/crypto';
import { GateRepository, MessagesRepository, RateLimiter, Sql } from '@sendgate/database';
import { EspClient, TokenCache } from '@sendgate/esp';
import { GateNotifier, GateUris } from '@sendgate/gate';

export const SENDOUT_ACTIVITIES = Symbol('SENDOUT_ACTIVITIES');

/** Where Nest's dependency injection meets Temporal: the activity factory gets its dependencies. */
export const activitiesProvider: Provider<SendoutActivities> = {
  provide: SENDOUT_ACTIVITIES,
  inject: [Sql, MessagesRepository, GateRepository, EspClient, TokenCache, GateUris, GateNotifier, SecretBox],
  useFactory: (
    sql: Sql, messages: MessagesRepository, gates: GateRepository, esp: EspClient, tokens: TokenCache,
    gateUris: GateUris, notifier: GateNotifier, secrets: SecretBox,
  ) => createSendoutActivities({ sql, messages, gates, esp, tokens, limiter: new RateLimiter(sql), gateUris, notifier, secrets }),
};
