import { IdRange } from '@sendgate/database';
import { SendoutActivityDeps } from './deps';

/** The next id ranges to send, after `afterId`: numbers only, so history stays small. */
export function planSendPagesActivity({ messages }: SendoutActivityDeps) {
  return async function planSendPages(input: {
    sendoutId: string;
    afterId: number;
    pageSize: number;
    maxPages: number;
    /** The send window: a rest shorter than this many pages is spread over them (absent in runs scheduled before it existed). */
    spreadOver?: number;
  }): Promise<IdRange[]> {
    return messages.planPages(input.sendoutId, input.afterId, input.pageSize, input.maxPages, input.spreadOver);
  };
}
