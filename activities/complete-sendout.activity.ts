import { MessageCounts, SendoutStage } from '@sendgate/domain';
import { SendoutActivityDeps } from './deps';
import { markSendoutStageActivity } from './mark-sendout-stage.activity';

export function completeSendoutActivity(deps: SendoutActivityDeps) {
  const markStage = markSendoutStageActivity(deps);
  return async function completeSendout(input: { sendoutId: string }): Promise<MessageCounts> {
    await markStage({ sendoutId: input.sendoutId, stage: SendoutStage.COMPLETED });
    return deps.messages.countByState(input.sendoutId);
  };
}
