import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Channel, MessageState, SUPPRESSED_REASON_PREFIX, SegmentFilter, addressNeeded, totalOf } from '@sendgate/domain';
import { metrics, timedPageActivity } from '@sendgate/metrics';
import { SendoutActivityDeps } from './deps';
import { beat } from './heartbeat';

/**
 * Generates a sendout's messages: one INSERT ... SELECT per keyset page of the segment or of a
 * journey step's audience, or the listed contacts. Resumes after the last generated contact when
 * retried. A contact without the address the integration's identifier type needs, or whose address
 * is on the account's suppression list for the channel, gets an EXCLUDED message with the reason in
 * the same statement (and, with feedback on, an `exclude` event in the same transaction).
 */
export function generateMessagesActivity(deps: SendoutActivityDeps) {
  const { sendouts, segments, integrations } = deps;
  return timedPageActivity('generateMessages', async function generateMessages(input: { sendoutId: string; pageSize: number }): Promise<{
    generated: number;
    /** Of those, EXCLUDED (no address, suppressed). */
    excluded: number;
  }> {
    const sendout = await sendouts.findById(input.sendoutId);
    if (!sendout) throw ApplicationFailure.nonRetryable(`sendout ${input.sendoutId} does not exist`, 'SendoutNotFound');
    const integration = await integrations.findById(sendout.integrationId);
    if (!integration) throw ApplicationFailure.nonRetryable(`integration ${sendout.integrationId} no longer exists`, 'IntegrationNotFound');
    // Behind a gate messages wait as GATED; without one they are ready to send once generated.
    const state = sendout.gateEnabled ? MessageState.GATED : MessageState.ACCEPTED;
    const options = {
      state,
      needs: addressNeeded(integration.identifierType),
      suppression: { channel: integration.channel as Channel, ignoreUnsubscribes: sendout.ignoreUnsubscribes },
      feedback: sendout.feedbackEnabled,
    };

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
          ...options,
          pageSize: input.pageSize,
        });
        beat();
        if (inserted < input.pageSize) break;
      }
    } else if (sendout.contactIds) {
      await deps.messages.generateForExternalIds({
        sendoutId: sendout.id,
        accountId: sendout.accountId,
        externalIds: sendout.contactIds,
        ...options,
      });
    } else {
      const segment = await segments.findById(sendout.segmentId ?? '');
      if (!segment) throw ApplicationFailure.nonRetryable(`segment ${sendout.segmentId} does not exist`, 'SegmentNotFound');
      for (;;) {
        const inserted = await deps.messages.generateSegmentPage({
          sendoutId: sendout.id,
          accountId: sendout.accountId,
          filter: segment.filter,
          ...options,
          pageSize: input.pageSize,
        });
        beat();
        if (inserted < input.pageSize) break;
      }
    }
    const generated = totalOf(await deps.messages.countByState(sendout.id));
    const excluded = await deps.messages.countExcludedByReason(sendout.id);
    for (const [reason, count] of Object.entries(excluded)) metrics.excluded.inc({ reason: exclusionLabel(reason) }, count);
    log.info(`generated ${generated} messages`, { generated, excluded });
    return { generated, excluded: Object.values(excluded).reduce((sum, n) => sum + n, 0) };
  });
}

/** An exclusion's metric label: the suppression's reason, or `no_address` (a bounded set of values). */
function exclusionLabel(reason: string): string {
  return reason.startsWith(SUPPRESSED_REASON_PREFIX) ? reason.slice(SUPPRESSED_REASON_PREFIX.length) : 'no_address';
}
