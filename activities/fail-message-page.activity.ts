import { MessageState } from '@sendgate/domain';
import { SendoutActivityDeps } from './deps';

/** Gives up on a page whose retries ran out: its unsent messages become FAILED with the reason. */
export function failMessagePageActivity({ sql }: SendoutActivityDeps) {
  return async function failMessagePage(input: {
    sendoutId: string; range: [number, number]; reason: string;
  }): Promise<{ failed: number }> {
    const failed = await sql.run(
      `UPDATE messages SET state = ?, reason = ?, updated_at = ?
       WHERE sendout_id = ? AND id BETWEEN ? AND ? AND state IN (?, ?)`,
      [MessageState.FAILED, `retries exhausted: ${input.reason}`.slice(0, 500), sql.dialect.timestamp(new Date()),
        input.sendoutId, input.range[0], input.range[1], MessageState.ACCEPTED, MessageState.SENDING],
    );
    return { failed };
  };
}
