/**
 * A stand-in ESP: a real HTTP server on 127.0.0.1 that records every request's Idempotency-Key.
 * `respond` can inject faults or delays per request.
 */
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  key: string;
  /** When it arrived (ms since the epoch). */
  at: number;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Responder = (
  req: ReceivedRequest,
  attempt: number,
) =>
  | Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>
  | { status: number; body?: unknown; headers?: Record<string, string> };

/** A Responder that answers 200 after `ms`: a slow ESP. */
export function answerAfter(ms: number): Responder {
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { status: 200 };
  };
}

export class EspReceiver {
  readonly requests: ReceivedRequest[] = [];
  readonly attemptsByKey = new Map<string, number>();
  private server?: Server;
  respond: Responder = () => ({ status: 200 });

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/send`;
  }

  /** Keys that were answered 2xx at least once. */
  readonly acceptedKeys = new Set<string>();
  /** How many times each key was answered 2xx (more than once would be a duplicate send). */
  readonly acceptedCount = new Map<string, number>();

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const received = {
      key: String(req.headers['idempotency-key'] ?? ''),
      at: Date.now(),
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(received);
    const attempt = (this.attemptsByKey.get(received.key) ?? 0) + 1;
    this.attemptsByKey.set(received.key, attempt);
    try {
      const answer = await this.respond(received, attempt);
      if (answer.status >= 200 && answer.status < 300) {
        this.acceptedKeys.add(received.key);
        this.acceptedCount.set(received.key, (this.acceptedCount.get(received.key) ?? 0) + 1);
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body ?? { id: `esp-${received.key}` }));
    } catch {
      res.destroy();
    }
  }
}
