/**
 * Outbound POSTs to ESPs on the send path: one keep-alive undici Pool per origin, connecting
 * through the OutboundGuard, bodies read up to a bound, and every answer classified so the caller
 * can decide sent / failed / retry.
 */
import { Readable } from 'node:stream';
import { Pool } from 'undici';
import { OutboundGuard, isOutboundRefusal } from './outbound-connect';

export interface EspRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type EspOutcome =
  | { kind: 'sent'; status: number; body: string }
  | { kind: 'rejected'; status: number; reason: string }
  /** `status` when the ESP answered; without one, `timedOut` tells a slow ESP from one not reached. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number; status?: number; timedOut?: boolean }
  /** The guard would not connect to where the URL now resolves: retrying would not change that. */
  | { kind: 'refused'; reason: string };

export interface EspClientOptions {
  connectionsPerOrigin: number;
  /** The deadline of one request, from sending it to the end of the answer's body. */
  timeoutMs: number;
  guard: OutboundGuard;
}

const MAX_BODY_BYTES = 64 * 1024;
/** An ESP asking us to come back later than this is not waited for longer: the activity retries. */
const MAX_RETRY_AFTER_MS = 3_600_000;
const RETRYABLE_STATUS = new Set([408, 425, 429]);

export class EspClient {
  private readonly pools = new Map<string, Pool>();
  private readonly targets = new Map<string, { origin: string; path: string }>();

  constructor(private readonly options: EspClientOptions) {}

  async post(request: EspRequest): Promise<EspOutcome> {
    // One deadline for the whole exchange (headers and body timeouts alone could add up to twice
    // it); a cleared timer rather than AbortSignal.timeout, whose timers outlive fast answers.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.options.timeoutMs);
    try {
      const target = this.target(request.url);
      const response = await this.pool(target.origin).request({
        method: 'POST',
        path: target.path,
        headers: { 'content-type': 'application/json', ...request.headers },
        body: request.body,
        signal: deadline.signal,
      });
      const length = Number(response.headers['content-length']);
      const body = length >= 0 && length <= MAX_BODY_BYTES ? await response.body.text() : await readBounded(response.body);
      return classify(response.statusCode, body, response.headers['retry-after']);
    } catch (error) {
      if (isOutboundRefusal(error)) return { kind: 'refused', reason: (error as Error).message };
      if (deadline.signal.aborted)
        return { kind: 'retry', reason: `ESP did not answer within ${this.options.timeoutMs} ms`, timedOut: true };
      return { kind: 'retry', reason: `ESP unreachable: ${(error as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }

  /** Parsed once per URL: the send path posts to the same few URLs many thousand times. */
  private target(url: string): { origin: string; path: string } {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      if (this.targets.size > 1_000) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.options.connectionsPerOrigin,
        keepAliveTimeout: 30_000,
        pipelining: 1,
        connect: this.options.guard.connector(),
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

export function classify(status: number, body: string, retryAfter?: string | string[]): EspOutcome {
  if (status >= 200 && status < 300) return { kind: 'sent', status, body };
  const excerpt = body.replace(/\s+/g, ' ').trim().slice(0, 300);
  if (status >= 500 || RETRYABLE_STATUS.has(status)) {
    return { kind: 'retry', reason: `ESP answered ${status}: ${excerpt}`, retryAfterMs: parseRetryAfter(retryAfter), status };
  }
  return { kind: 'rejected', status, reason: `ESP answered ${status}: ${excerpt}` };
}

/** Retry-After as delta-seconds or an HTTP date, at most an hour; undefined when absent or unreadable. */
export function parseRetryAfter(value?: string | string[], now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  if (/^\d+$/.test(raw.trim())) return Math.min(Number(raw.trim()) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/** The first MAX_BODY_BYTES of a body of unknown length; the rest is read and dropped, so the connection stays reusable. */
function readBounded(body: Readable): Promise<string> {
  // Events rather than `for await`: an async iterator per answer costs more than the answer.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      if (size < MAX_BODY_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    body.once('error', reject);
    body.once('end', () => resolve(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8')));
  });
}
