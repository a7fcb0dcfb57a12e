import { Provider } from '@nestjs/common';
import { createSendoutActivities, SendoutActivities } from '@sendgate/activities';
import { MessagesRepository, Sql } from '@sendgate/database';
import { EspClient } from '@sendgate/esp';

export const SENDOUT_ACTIVITIES = Symbol('SENDOUT_ACTIVITIES');

/** Where Nest's dependency injection meets Temporal: the activity factory gets its dependencies. */
export const activitiesProvider: Provider<SendoutActivities> = {
  provide: SENDOUT_ACTIVITIES,
  inject: [Sql, MessagesRepository, EspClient],
  useFactory: (sql: Sql, messages: MessagesRepository, esp: EspClient) => createSendoutActivities({ sql, messages, esp }),
};
