import { SendoutStage } from '@sendgate/domain';
import { SendoutActivityDeps } from './deps';

export function markSendoutStageActivity({ sql }: SendoutActivityDeps) {
  return async function markSendoutStage(input: { sendoutId: string; stage: SendoutStage }): Promise<void> {
    const now = sql.dialect.timestamp(new Date());
    const done = input.stage === SendoutStage.COMPLETED || input.stage === SendoutStage.CANCELED || input.stage === SendoutStage.FAILED;
    await sql.run(
      `UPDATE sendouts SET stage = ?, updated_at = ?${done ? ', completed_at = ?' : ''} WHERE id = ?`,
      done ? [input.stage, now, now, input.sendoutId] : [input.stage, now, input.sendoutId],
    );
  };
}
