import { IdRange } from '@sendgate/database';
import { SendoutActivityDeps } from './deps';

/** The next id ranges to send, after `afterId`: numbers only, so history stays small. */
export function planSendPagesActivity({ messages }: SendoutActivityDeps) {
  return async function planSendPages(input: {
    sendoutId: string;
    afterId: number;
    pageSize: number;
    maxPages: number;
  }): Promise<IdRange[]> {
    return messages.planPages(input.sendoutId, input.afterId, input.pageSize, input.maxPages);
  };
}
