import { log } from '@temporalio/activity';
import { MessageCounts, SendoutStage } from '@sendgate/domain';
import { SendoutActivityDeps } from './deps';

export function completeSendoutActivity(deps: SendoutActivityDeps) {
  return async function completeSendout(input: { sendoutId: string }): Promise<MessageCounts> {
    await deps.sendouts.markStage(input.sendoutId, SendoutStage.COMPLETED);
    const counts = await deps.messages.countByState(input.sendoutId);
    log.info('sendout completed', { counts });
    return counts;
  };
}
