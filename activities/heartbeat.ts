import { heartbeat } from '@temporalio/activity';

/**
 * Heartbeats on a timer for as long as `work` runs, at most once a second (each call crosses into
 * the SDK's native core). The beat shows the process and its event loop are alive; a page whose
 * lanes all wait on slow ESP answers keeps its attempt, so Temporal never starts a second attempt
 * of the page while the first is still posting. Every outbound request is bounded by the
 * outbound timeout, which configuration keeps shorter than the heartbeat timeout.
 */
export async function whileBeating<T>(work: () => Promise<T>, everyMs = 1_000): Promise<T> {
  heartbeat();
  const timer = setInterval(() => heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
