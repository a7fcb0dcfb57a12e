import { GateState, MessageState, SendoutStage } from '@sendgate/domain';
import { metrics } from '@sendgate/metrics';
import { SendoutActivityDeps } from './deps';
import { generateRestOfList } from './listed-contacts';
import { markSendoutStageActivity } from './mark-sendout-stage.activity';

const UNSENT = [MessageState.GENERATED, MessageState.GATED, MessageState.ACCEPTED, MessageState.SENDING];

/**
 * After the workflow failed for good: the sendout becomes FAILED with the reason (so it no longer
 * counts as running), an open gate closes, and every message not sent yet becomes FAILED with it,
 * a list's contacts not generated yet included.
 */
export function failSendoutActivity(deps: SendoutActivityDeps) {
  const markStage = markSendoutStageActivity(deps);
  return async function failSendout(input: { sendoutId: string; reason: string }): Promise<{ failed: number }> {
    if (await deps.gates.decide(input.sendoutId, GateState.CANCELED, 'failure')) metrics.gateDecisions.inc({ decision: 'canceled' });
    await generateRestOfList(deps, input.sendoutId);
    const feedback = await deps.sendouts.feedbackEnabled(input.sendoutId);
    const reason = `the sendout failed: ${input.reason}`;
    const failed = await deps.messages.transition(input.sendoutId, UNSENT, MessageState.FAILED, reason, undefined, { feedback });
    await markStage({ sendoutId: input.sendoutId, stage: SendoutStage.FAILED, lastError: input.reason });
    return { failed };
  };
}
