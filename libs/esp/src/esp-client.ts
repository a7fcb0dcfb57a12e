/**
 * Outbound POSTs to ESPs on the send path: one keep-alive undici Pool per origin, connecting
 * through the OutboundGuard, bodies read up to a bound, and every answer classified so the caller
 * can decide sent / failed / retry.
 */
import { IncomingHttpHeaders } from 'node:http';
import { Dispatcher, Pool } from 'undici';
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

  /**
   * Posts through the pool's `dispatch` with a handler of its own (EspExchange): no response
   * stream, abort signal or promise per step, which the `request` API makes for every message.
   * Never rejects: every failure is an outcome.
   */
  post(request: EspRequest): Promise<EspOutcome> {
    return new Promise((settle) => {
      let target: { origin: string; path: string };
      try {
        target = this.target(request.url);
      } catch (error) {
        return settle({ kind: 'retry', reason: `ESP unreachable: ${(error as Error).message}` });
      }
      this.pool(target.origin).dispatch(
        {
          origin: target.origin,
          method: 'POST',
          path: target.path,
          headers: { 'content-type': 'application/json', ...request.headers },
          body: request.body,
        },
        new EspExchange(settle, this.options.timeoutMs),
      );
    });
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

/**
 * One POST's answer as undici hands it over: the status and the two headers read, the first
 * MAX_BODY_BYTES of the body (the rest is read and dropped, so the connection stays reusable),
 * and one deadline for the whole exchange, from the dispatch (a wait for a free connection
 * counts) to the end of the body. Headers and body timeouts alone could add up to twice it.
 */
class EspExchange implements Dispatcher.DispatchHandler {
  private controller?: Dispatcher.DispatchController;
  private readonly timer: NodeJS.Timeout;
  private settled = false;
  private status = 0;
  private retryAfter?: string | string[];
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly settle: (outcome: EspOutcome) => void,
    private readonly timeoutMs: number,
  ) {
    // At the deadline the caller has its answer, even while the request still waits for a
    // connection; the request is aborted once it has one.
    this.timer = setTimeout(() => {
      this.finish({ kind: 'retry', reason: `ESP did not answer within ${timeoutMs} ms`, timedOut: true });
      this.controller?.abort(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(new Error(`no answer within ${this.timeoutMs} ms`));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    this.retryAfter = headers['retry-after'];
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.size < MAX_BODY_BYTES) this.chunks.push(chunk);
    this.size += chunk.length;
  }

  onResponseEnd(): void {
    const { chunks } = this;
    const body = chunks.length === 1 && this.size <= MAX_BODY_BYTES ? chunks[0] : Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES);
    this.finish(classify(this.status, body.toString('utf8'), this.retryAfter));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (isOutboundRefusal(error)) return this.finish({ kind: 'refused', reason: error.message });
    this.finish({ kind: 'retry', reason: `ESP unreachable: ${error.message}` });
  }

  private finish(outcome: EspOutcome): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.chunks = [];
    this.settle(outcome);
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
