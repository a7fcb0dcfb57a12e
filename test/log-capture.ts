/**
 * A process's JSON log lines, kept in memory for the test to read. Warnings and errors are also
 * written to stderr, so a failing test still shows them without the rest of the chatter.
 */
import { Writable } from 'node:stream';

const SHOWN = new Set(['warn', 'error', 'fatal']);

export class LogCapture extends Writable {
  private kept = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = String(chunk);
    this.kept += text;
    for (const line of text.split('\n')) if (line && SHOWN.has(levelOf(line))) process.stderr.write(`${line}\n`);
    done();
  }

  /** Everything written so far. */
  get text(): string {
    return this.kept;
  }

  /** Each line parsed; a line that is not JSON fails the test that reads it. */
  get lines(): Array<Record<string, any>> {
    return this.kept
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, any>);
  }
}

function levelOf(line: string): string {
  try {
    return String((JSON.parse(line) as { level?: unknown }).level);
  } catch {
    return 'error'; // not ours: show it
  }
}
