import { log } from '@temporalio/activity';
import { GateState, MessageState, SendoutStage } from '@sendgate/domain';
import { metrics } from '@sendgate/metrics';
import { SendoutActivityDeps } from './deps';
import { generateRestOfList } from './listed-contacts';

const UNSENT = [MessageState.GENERATED, MessageState.GATED, MessageState.ACCEPTED, MessageState.SENDING];

/**
 * After the workflow failed for good: the sendout becomes FAILED with the reason (so it no longer
 * counts as running), an open gate closes, and every message not sent yet becomes FAILED with it,
 * a list's contacts not generated yet included.
 */
export function failSendoutActivity(deps: SendoutActivityDeps) {
  return async function failSendout(input: { sendoutId: string; reason: string }): Promise<{ failed: number }> {
    if (await deps.gates.decide(input.sendoutId, GateState.CANCELED, 'failure')) metrics.gateDecisions.inc({ decision: 'canceled' });
    await generateRestOfList(deps, input.sendoutId);
    const feedback = await deps.sendouts.feedbackEnabled(input.sendoutId);
    const reason = `the sendout failed: ${input.reason}`;
    const failed = await deps.messages.transition(input.sendoutId, UNSENT, MessageState.FAILED, reason, undefined, { feedback });
    await deps.sendouts.markStage(input.sendoutId, SendoutStage.FAILED, input.reason);
    log.error(`sendout failed: ${input.reason}`, { failed });
    return { failed };
  };
}
