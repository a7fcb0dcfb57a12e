/**
 * A stand-in feedback webhook receiver: a real HTTP server on 127.0.0.1 that checks every request
 * as a receiver should (the JWT's signature, algorithm, expiry, and its `body_sha256` claim against
 * the raw body, with `jose`), records what it accepted, and can be "down" (answering 503, or
 * closing the connection) for a while.
 */
import { createHash, createSecretKey } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { batchRequestId } from '../libs/feedback/src/feedback-sender';

export interface ReceivedFeedback {
  requestId: string;
  body: any;
  /** The JWT's claims, once verified. */
  claims: Record<string, unknown>;
  at: number;
}

export class FeedbackReceiver {
  /** Every event accepted (2xx), in arrival order; a redelivery shows up again with the same requestId. */
  readonly accepted: ReceivedFeedback[] = [];
  /** The events of each accepted request (one for a single event's body), in arrival order. */
  readonly requests: any[][] = [];
  /** Requests refused because their signature or body hash did not check out. */
  readonly refused: Array<{ reason: string; body: string }> = [];
  /** Requests that arrived while down. */
  downHits = 0;
  /** 'up' answers 200; 'unavailable' answers 503; 'closing' drops the connection without an answer. */
  mode: 'up' | 'unavailable' | 'closing' = 'up';
  /** Answer each accepted request this much later (a slow receiver). */
  delayMs = 0;
  private server?: Server;

  /**
   * `verifyJwt` false: a receiver without auth (an email API request's notifyUrl); its requests are
   * keyed by their first report's messageId, and `claims.contentType` is the request's content type.
   */
  constructor(
    readonly secret: string,
    private readonly verifyJwt = true,
  ) {}

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/feedback`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Distinct requestIds accepted. */
  requestIds(): Set<string> {
    return new Set(this.accepted.map((e) => e.requestId));
  }

  /** Accepted events of one message, in arrival order, without redeliveries. */
  eventsOf(messageId: string | number): string[] {
    const seen = new Set<string>();
    return this.accepted
      .filter((e) => e.body.messageExecution.messageExecutionID === String(messageId))
      .filter((e) => !seen.has(e.requestId) && seen.add(e.requestId))
      .map((e) => e.body.messageDeliveryFeedback.feedbackStatus.value);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (this.mode !== 'up') {
      this.downHits += 1;
      if (this.mode === 'closing') return void res.destroy();
      res.writeHead(503, { 'content-type': 'application/json' });
      return void res.end('{"error":"down for maintenance"}');
    }
    const authorization = String(req.headers.authorization ?? '');
    if (!this.verifyJwt) {
      const body = JSON.parse(raw);
      const claims = { contentType: req.headers['content-type'] };
      this.accepted.push({ requestId: String(body.results?.[0]?.messageId), body, claims, at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"ok":true}');
    }
    try {
      const token = authorization.replace(/^Bearer /, '');
      const { payload } = await jwtVerify(token, createSecretKey(Buffer.from(this.secret, 'utf8')), { algorithms: ['HS256'] });
      const digest = createHash('sha256').update(raw).digest('hex');
      if (payload.body_sha256 !== digest) throw new Error('body_sha256 does not match the body');
      const body = JSON.parse(raw);
      // a webhook that takes several events per request gets a JSON array, signed with the batch's id
      const events: any[] = Array.isArray(body) ? body : [body];
      if (payload.jti !== (Array.isArray(body) ? batchRequestId(body) : body.requestId)) throw new Error('jti is not the requestId');
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const at = Date.now();
      for (const event of events)
        this.accepted.push({ requestId: event.requestId, body: event, claims: payload as Record<string, unknown>, at });
      this.requests.push(events);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    } catch (error) {
      this.refused.push({ reason: (error as Error).message, body: raw });
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: (error as Error).message }));
    }
  }
}
