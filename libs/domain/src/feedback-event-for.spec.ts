import { FeedbackEvent, feedbackEventFor } from './feedback';
import { MessageState } from './states';

describe('feedbackEventFor', () => {
  it('names the event each reported state change produces, and none for the others', () => {
    const sut = Object.fromEntries(Object.values(MessageState).map((state) => [state, feedbackEventFor(state)]));

    expect(sut).toEqual({
      GENERATED: undefined,
      GATED: undefined,
      ACCEPTED: undefined,
      REJECTED: FeedbackEvent.EXCLUDE,
      TIMED_OUT: FeedbackEvent.EXCLUDE,
      SENDING: undefined,
      SENT: FeedbackEvent.SENT,
      DELIVERED: FeedbackEvent.DELIVERED,
      BOUNCED: FeedbackEvent.BOUNCE,
      FAILED: FeedbackEvent.ERROR,
      CANCELED: undefined,
      EXCLUDED: FeedbackEvent.EXCLUDE,
    });
  });
});
