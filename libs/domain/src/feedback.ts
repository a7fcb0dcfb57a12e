/**
 * Delivery feedback: the events a message's status changes produce and the body a feedback
 * webhook receives for each, in the shape of Adobe Journey Optimizer's feedback webhooks.
 */
import { Channel, MessageState } from './states';

/** What a feedback event reports (`messageDeliveryFeedback.feedbackStatus.value`). */
export enum FeedbackEvent {
  SENT = 'sent',
  DELIVERED = 'delivered',
  BOUNCE = 'bounce',
  ERROR = 'error',
  /** The message will not be sent: rejected at the send gate, the gate timed out, or the contact had no address. */
  EXCLUDE = 'exclude',
}

/** The message state each event reports. */
export const FEEDBACK_EVENT_STATES: Record<FeedbackEvent, MessageState[]> = {
  [FeedbackEvent.SENT]: [MessageState.SENT],
  [FeedbackEvent.DELIVERED]: [MessageState.DELIVERED],
  [FeedbackEvent.BOUNCE]: [MessageState.BOUNCED],
  [FeedbackEvent.ERROR]: [MessageState.FAILED],
  [FeedbackEvent.EXCLUDE]: [MessageState.REJECTED, MessageState.TIMED_OUT, MessageState.EXCLUDED],
};

/** The feedback event a message's move to `state` reports, if any (CANCELED, ACCEPTED… report none). */
export function feedbackEventFor(state: MessageState): FeedbackEvent | undefined {
  return (Object.keys(FEEDBACK_EVENT_STATES) as FeedbackEvent[]).find((event) => FEEDBACK_EVENT_STATES[event].includes(state));
}

/** Where one feedback delivery (an event for one webhook) stands. */
export enum FeedbackDeliveryState {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  /** Retried for the whole retry window without success; an operator may redeliver it. */
  DEAD = 'DEAD',
}

export type MessageType = 'transactional' | 'marketing';

/** Everything a feedback body is made of, as the outbox row and its joins give it. */
export interface FeedbackFacts {
  requestId: string;
  accountId: string;
  project: { id: string; name: string };
  channel: Channel;
  messageId: number;
  messageType: MessageType;
  campaignId: string;
  campaignVersionId: string;
  event: FeedbackEvent;
  failure?: { type: string | null; code: string | null; reason: string | null };
  /** Retries of the message at the ESP before this outcome. */
  retryCount: number;
  email: string | null;
  phone: string | null;
}

export interface FeedbackBody {
  requestId: string;
  imsOrg: string;
  sandbox: { id: string; name: string };
  channel: Channel;
  eventType: 'message.feedback';
  messageExecution: {
    messageExecutionID: string;
    messageType: MessageType;
    campaignID: string;
    campaignVersionID: string;
  };
  messageDeliveryFeedback: {
    feedbackStatus: { value: FeedbackEvent };
    offers: null;
    messageExclusion: { reason: string } | null;
    messageFailure: { category: 'sync' | 'async'; type: string; code: string; reason: string } | null;
    retryCount: number;
  };
  identityMap: { email?: Array<{ id: string; primary: true }>; phone?: Array<{ id: string; primary: true }> };
}

export function feedbackBody(facts: FeedbackFacts): FeedbackBody {
  const { event, failure } = facts;
  const failed = event === FeedbackEvent.BOUNCE || event === FeedbackEvent.ERROR;
  const identity = facts.channel === Channel.SMS ? facts.phone : facts.email;
  return {
    requestId: facts.requestId,
    imsOrg: facts.accountId,
    sandbox: { id: facts.project.id, name: facts.project.name },
    channel: facts.channel,
    eventType: 'message.feedback',
    messageExecution: {
      messageExecutionID: String(facts.messageId),
      messageType: facts.messageType,
      campaignID: facts.campaignId,
      campaignVersionID: facts.campaignVersionId,
    },
    messageDeliveryFeedback: {
      feedbackStatus: { value: event },
      offers: null,
      messageExclusion: event === FeedbackEvent.EXCLUDE ? { reason: failure?.reason ?? 'excluded' } : null,
      messageFailure: failed
        ? {
            // an error is ours, at send time; a bounce comes later, from the ESP's callback
            category: event === FeedbackEvent.ERROR ? 'sync' : 'async',
            type: failure?.type ?? (event === FeedbackEvent.BOUNCE ? 'Hard' : 'Error'),
            code: failure?.code ?? '',
            reason: failure?.reason ?? '',
          }
        : null,
      retryCount: facts.retryCount,
    },
    identityMap: identity ? { [facts.channel === Channel.SMS ? 'phone' : 'email']: [{ id: identity, primary: true }] } : {},
  };
}
