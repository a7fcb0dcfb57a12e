import { FeedbackDeliveriesRepository } from '@sendgate/database';
import { FeedbackDispatcher } from '@sendgate/feedback';

/** What the feedback activities need; the worker's Nest context provides it. */
export interface FeedbackActivityDeps {
  dispatcher: FeedbackDispatcher;
  deliveries: FeedbackDeliveriesRepository;
  /** The longest sleep of an idle dispatcher between two looks at the outbox. */
  pollIdleMs: number;
}
