import { log } from '@temporalio/activity';
import { GateState, MessageState, SendoutStage } from '@sendgate/domain';
import { metrics } from '@sendgate/metrics';
import { SendoutActivityDeps } from './deps';
import { generateRestOfList } from './listed-contacts';

const NOT_YET_SENT = [MessageState.GENERATED, MessageState.GATED, MessageState.ACCEPTED];

/**
 * After an operator's cancel: closes an open gate, and every message that has not been claimed for
 * sending becomes CANCELED, a list's contacts not generated yet included (set-based, conditional on
 * the state, so a concurrent send claim and this update cannot both win).
 */
export function cancelSendoutActivity(deps: SendoutActivityDeps) {
  return async function cancelSendout(input: { sendoutId: string }): Promise<{ canceled: number }> {
    if (await deps.gates.decide(input.sendoutId, GateState.CANCELED, 'operator')) metrics.gateDecisions.inc({ decision: 'canceled' });
    await generateRestOfList(deps, input.sendoutId);
    // a request with a notifyUrl gets each cancelled message's report pushed (queued in the same transaction)
    const feedback = { feedback: await deps.sendouts.feedbackEnabled(input.sendoutId) };
    const canceled = await deps.messages.transition(
      input.sendoutId,
      NOT_YET_SENT,
      MessageState.CANCELED,
      'the sendout was cancelled',
      undefined,
      feedback,
    );
    await deps.sendouts.markStage(input.sendoutId, SendoutStage.CANCELED);
    log.info(`sendout cancelled: ${canceled} messages will not be sent`, { canceled });
    return { canceled };
  };
}
