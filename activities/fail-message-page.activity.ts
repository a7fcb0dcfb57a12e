import { log } from '@temporalio/activity';
import { MessageState } from '@sendgate/domain';
import { SendoutActivityDeps } from './deps';

/**
 * Gives up on a page whose retries ran out: its unsent messages become FAILED with the reason
 * (GATED ones too: a page is sent only once its gate accepted, before they may all be released).
 */
export function failMessagePageActivity({ messages, sendouts }: SendoutActivityDeps) {
  return async function failMessagePage(input: {
    sendoutId: string;
    range: [number, number];
    reason: string;
  }): Promise<{ failed: number }> {
    const failed = await messages.transition(
      input.sendoutId,
      [MessageState.GATED, MessageState.ACCEPTED, MessageState.SENDING],
      MessageState.FAILED,
      `retries exhausted: ${input.reason}`,
      input.range,
      { feedback: await sendouts.feedbackEnabled(input.sendoutId) },
    );
    log.warn(`retries exhausted: ${failed} messages of the page failed`, { range: input.range, failed, reason: input.reason });
    return { failed };
  };
}
