import { log } from '@temporalio/activity';
import { SendoutStage } from '@sendgate/domain';
import { SendoutActivityDeps } from './deps';

export function markSendoutStageActivity({ sendouts }: SendoutActivityDeps) {
  return async function markSendoutStage(input: { sendoutId: string; stage: SendoutStage; lastError?: string }): Promise<void> {
    await sendouts.markStage(input.sendoutId, input.stage, input.lastError);
    log.info(`stage ${input.stage}`, { stage: input.stage });
  };
}
