import { SendoutStage } from '@sendgate/domain';
import { SendoutActivityDeps } from './deps';

const FINISHED = [SendoutStage.COMPLETED, SendoutStage.CANCELED, SendoutStage.FAILED];

export function markSendoutStageActivity({ sql }: SendoutActivityDeps) {
  return async function markSendoutStage(input: { sendoutId: string; stage: SendoutStage; lastError?: string }): Promise<void> {
    const now = sql.dialect.timestamp(new Date());
    const sets = ['stage = ?', 'updated_at = ?'];
    const params: unknown[] = [input.stage, now];
    if (FINISHED.includes(input.stage)) {
      sets.push('completed_at = ?');
      params.push(now);
    }
    if (input.lastError !== undefined) {
      sets.push('last_error = ?');
      params.push(input.lastError);
    }
    await sql.run(`UPDATE sendouts SET ${sets.join(', ')} WHERE id = ?`, [...params, input.sendoutId]);
  };
}
