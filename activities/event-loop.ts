let queue: Promise<void> = Promise.resolve();

/**
 * Resolves on a later turn of the event loop, one caller per turn. Liquid renders synchronously, so
 * lanes failing one slow render after another would otherwise run back to back in one check phase
 * and starve heartbeats, timers and the other pages of this worker; queued here, each failed render
 * lets the loop poll I/O before the next one starts.
 */
export function yieldToEventLoop(): Promise<void> {
  const turn = queue.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  queue = turn;
  return turn;
}
