import { heartbeat } from '@temporalio/activity';

/**
 * A heartbeat at most every `everyMs`: each call crosses into the SDK's native core, so calling it
 * per message costs a tenth of the send path's CPU; once a second is enough to detect a dead worker.
 */
export function throttledHeartbeat(everyMs = 1_000): () => void {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    heartbeat();
  };
}
