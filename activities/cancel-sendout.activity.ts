import { GateState, MessageState, SendoutStage } from '@sendgate/domain';
import { SendoutActivityDeps } from './deps';
import { markSendoutStageActivity } from './mark-sendout-stage.activity';

const NOT_YET_SENT = [MessageState.GENERATED, MessageState.GATED, MessageState.ACCEPTED];

/**
 * After an operator's cancel: closes an open gate, and every message that has not been claimed
 * for sending becomes CANCELED (set-based, conditional on the state, so a concurrent send claim
 * and this update cannot both win).
 */
export function cancelSendoutActivity(deps: SendoutActivityDeps) {
  const markStage = markSendoutStageActivity(deps);
  return async function cancelSendout(input: { sendoutId: string }): Promise<{ canceled: number }> {
    await deps.gates.decide(input.sendoutId, GateState.CANCELED, 'operator');
    const canceled = await deps.sql.run(
      `UPDATE messages SET state = ?, reason = ?, updated_at = ?
       WHERE sendout_id = ? AND state IN (${deps.sql.dialect.placeholders(NOT_YET_SENT.length)})`,
      [MessageState.CANCELED, 'the sendout was cancelled', deps.sql.dialect.timestamp(new Date()), input.sendoutId, ...NOT_YET_SENT],
    );
    await markStage({ sendoutId: input.sendoutId, stage: SendoutStage.CANCELED });
    return { canceled };
  };
}
