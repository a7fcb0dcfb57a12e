/**
 * Outbound POSTs to ESPs on the send path: one keep-alive undici Pool per origin, bodies read up
 * to a bound, and every answer classified so the caller can decide sent / failed / retry.
 */
import { Pool } from 'undici';

export interface EspRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type EspOutcome =
  | { kind: 'sent'; status: number; body: string }
  | { kind: 'rejected'; status: number; reason: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number };

export interface EspClientOptions {
  connectionsPerOrigin: number;
  timeoutMs: number;
}

const MAX_BODY_BYTES = 64 * 1024;
const RETRYABLE_STATUS = new Set([408, 425, 429]);

export class EspClient {
  private readonly pools = new Map<string, Pool>();
  private readonly targets = new Map<string, { origin: string; path: string }>();

  constructor(private readonly options: EspClientOptions) {}

  async post(request: EspRequest): Promise<EspOutcome> {
    try {
      const target = this.target(request.url);
      const response = await this.pool(target.origin).request({
        method: 'POST',
        path: target.path,
        headers: { 'content-type': 'application/json', ...request.headers },
        body: request.body,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      const length = Number(response.headers['content-length']);
      const body = length >= 0 && length <= MAX_BODY_BYTES ? await response.body.text() : await readBounded(response.body);
      return classify(response.statusCode, body, response.headers['retry-after']);
    } catch (error) {
      return { kind: 'retry', reason: `ESP unreachable: ${(error as Error).message}` };
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
      pool = new Pool(origin, { connections: this.options.connectionsPerOrigin, keepAliveTimeout: 30_000, pipelining: 1 });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

export function classify(status: number, body: string, retryAfter?: string | string[]): EspOutcome {
  if (status >= 200 && status < 300) return { kind: 'sent', status, body };
  const excerpt = body.replace(/\s+/g, ' ').trim().slice(0, 300);
  if (status >= 500 || RETRYABLE_STATUS.has(status)) {
    return { kind: 'retry', reason: `ESP answered ${status}: ${excerpt}`, retryAfterMs: parseRetryAfter(retryAfter) };
  }
  return { kind: 'rejected', status, reason: `ESP answered ${status}: ${excerpt}` };
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value?: string | string[], now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

async function readBounded(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < MAX_BODY_BYTES) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}
