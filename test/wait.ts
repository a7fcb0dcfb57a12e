import { createServer } from 'node:net';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Thrown by a probe when waiting longer cannot help (the process it waits for has exited): waitFor throws it at once. */
export class GiveUp extends Error {}

/**
 * Polls `probe` until it answers true, for at most `timeoutMs`; the last error explains a time-out.
 * A probe that throws is asked again (a server not listening yet), unless it throws GiveUp.
 */
export async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean> | boolean, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
      lastError = undefined;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
}
