import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MessageState, totalOf } from '@sendgate/domain';
import { SendoutActivityDeps } from './deps';

/**
 * Generates a sendout's messages: one INSERT ... SELECT per keyset page of the segment, or the
 * listed contacts. Resumes after the last generated contact when retried.
 */
export function generateMessagesActivity(deps: SendoutActivityDeps) {
  const { sendouts, segments } = deps;
  return async function generateMessages(input: { sendoutId: string; pageSize: number }): Promise<{ generated: number }> {
    const sendout = await sendouts.findById(input.sendoutId);
    if (!sendout) throw ApplicationFailure.nonRetryable(`sendout ${input.sendoutId} does not exist`, 'SendoutNotFound');
    // Behind a gate messages wait as GATED; without one they are ready to send once generated.
    const state = sendout.gateEnabled ? MessageState.GATED : MessageState.ACCEPTED;

    if (sendout.contactIds) {
      await deps.messages.generateForExternalIds({
        sendoutId: sendout.id,
        accountId: sendout.accountId,
        externalIds: sendout.contactIds,
        state,
      });
    } else {
      const segment = await segments.findById(sendout.segmentId ?? '');
      if (!segment) throw ApplicationFailure.nonRetryable(`segment ${sendout.segmentId} does not exist`, 'SegmentNotFound');
      for (;;) {
        const inserted = await deps.messages.generateSegmentPage({
          sendoutId: sendout.id,
          accountId: sendout.accountId,
          filter: segment.filter,
          state,
          pageSize: input.pageSize,
        });
        heartbeat();
        if (inserted < input.pageSize) break;
      }
    }
    const counts = await deps.messages.countByState(sendout.id);
    return { generated: totalOf(counts) };
  };
}
