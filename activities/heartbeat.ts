import { Context } from '@temporalio/activity';

/**
 * One heartbeat, with progress details when given. A local activity has none to send (the SDK
 * refuses it with a warning): the timeout of the workflow task that runs it watches it instead.
 */
export function beat(details?: unknown): void {
  const context = Context.current();
  if (!context.info.isLocal) context.heartbeat(details);
}

/**
 * Heartbeats on a timer for as long as `work` runs, at most once a second (each call crosses into
 * the SDK's native core). The beat shows the process and its event loop are alive; a page whose
 * lanes all wait on slow ESP answers keeps its attempt, so Temporal never starts a second attempt
 * of the page while the first is still posting. Every outbound request is bounded by the
 * outbound timeout, which configuration keeps shorter than the heartbeat timeout.
 */
export async function whileBeating<T>(work: () => Promise<T>, everyMs = 1_000): Promise<T> {
  beat();
  const timer = setInterval(() => beat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
