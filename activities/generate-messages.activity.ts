import { heartbeat, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MessageState, SegmentFilter, totalOf } from '@sendgate/domain';
import { timedPageActivity } from '@sendgate/metrics';
import { SendoutActivityDeps } from './deps';

/**
 * Generates a sendout's messages: one INSERT ... SELECT per keyset page of the segment or of a
 * journey step's audience, or the listed contacts. Resumes after the last generated contact when
 * retried.
 */
export function generateMessagesActivity(deps: SendoutActivityDeps) {
  const { sendouts, segments } = deps;
  return timedPageActivity('generateMessages', async function generateMessages(input: { sendoutId: string; pageSize: number }): Promise<{
    generated: number;
  }> {
    const sendout = await sendouts.findById(input.sendoutId);
    if (!sendout) throw ApplicationFailure.nonRetryable(`sendout ${input.sendoutId} does not exist`, 'SendoutNotFound');
    // Behind a gate messages wait as GATED; without one they are ready to send once generated.
    const state = sendout.gateEnabled ? MessageState.GATED : MessageState.ACCEPTED;

    if (sendout.audience) {
      const { audience } = sendout;
      let segmentFilter: SegmentFilter | undefined;
      if (!audience.from && audience.segmentId) {
        // the run's segment as it is now: a step generated later sees the segment's later members
        const segment = await segments.findById(audience.segmentId);
        if (!segment) throw ApplicationFailure.nonRetryable(`segment ${audience.segmentId} does not exist`, 'SegmentNotFound');
        segmentFilter = segment.filter;
      }
      for (;;) {
        const inserted = await deps.messages.generateAudiencePage({
          sendoutId: sendout.id,
          accountId: sendout.accountId,
          audience,
          segmentFilter,
          state,
          pageSize: input.pageSize,
        });
        heartbeat();
        if (inserted < input.pageSize) break;
      }
    } else if (sendout.contactIds) {
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
    const generated = totalOf(await deps.messages.countByState(sendout.id));
    log.info(`generated ${generated} messages`, { generated });
    return { generated };
  });
}
