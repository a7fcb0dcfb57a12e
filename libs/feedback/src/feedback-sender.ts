/**
 * One feedback delivery attempt: the body serialised once, the receiver's headers and (for JWT
 * receivers) a signed Authorization header, POSTed over the shared keep-alive pools of an
 * EspClient (which connects only through the OutboundGuard). Every non-2xx answer is worth a
 * retry (a receiver answering 401 may be fixed by its operator within the retry window); only a
 * destination the guard refuses is final. The email API's notifyUrl pushes go the same way.
 */
import { createHash } from 'node:crypto';
import type { FeedbackBody } from '@sendgate/domain';
import { EspClient } from '@sendgate/esp';
import { FeedbackJwtAuth, FeedbackSigner } from './feedback-signer';

/** A feedback webhook with its secrets open, as the sender needs it. */
export interface FeedbackReceiver {
  id: string;
  url: string;
  auth: { type: 'none' } | FeedbackJwtAuth;
  headers: Array<{ key: string; value: string }>;
  /** 1: each request carries one event, as its body; more: a JSON array of up to this many events. */
  maxEventsPerRequest: number;
}

export type FeedbackAttempt =
  | { kind: 'delivered'; status: number; body: string }
  | { kind: 'failed'; status?: number; error: string; retryAfterMs?: number }
  /** The destination is refused by the outbound policy: retrying cannot help. */
  | { kind: 'refused'; error: string };

export class FeedbackSender {
  constructor(
    private readonly client: EspClient,
    private readonly signer = new FeedbackSigner(),
  ) {}

  /**
   * One request to the receiver: a single event as the body, or (for a receiver that takes several
   * per request) a JSON array of events, whose JWT `jti` is the batch's own id (see batchRequestId).
   */
  async deliver(receiver: FeedbackReceiver, body: FeedbackBody | FeedbackBody[]): Promise<FeedbackAttempt> {
    const text = JSON.stringify(body);
    const headers: Record<string, string> = {};
    for (const header of receiver.headers) headers[header.key.toLowerCase()] = header.value;
    if (receiver.auth.type === 'jwt') {
      try {
        const requestId = Array.isArray(body) ? batchRequestId(body) : body.requestId;
        headers.authorization = await this.signer.authorization(receiver.auth, requestId, text);
      } catch (error) {
        return { kind: 'failed', error: `could not sign the request: ${(error as Error).message}` };
      }
    }
    return this.post(receiver.url, headers, text);
  }

  /**
   * A notifyUrl push: the body as JSON, under the request's content type. The URL is the client's
   * own: the EspClient connects only where the OutboundGuard allows, so a private address is
   * refused (final) unless configured.
   */
  async push(target: { url: string; contentType: string }, body: unknown): Promise<FeedbackAttempt> {
    return this.post(target.url, { 'content-type': target.contentType }, JSON.stringify(body));
  }

  private async post(url: string, headers: Record<string, string>, text: string): Promise<FeedbackAttempt> {
    const outcome = await this.client.post({ url, headers, body: text });
    switch (outcome.kind) {
      case 'sent':
        return { kind: 'delivered', status: outcome.status, body: outcome.body };
      case 'rejected':
        return { kind: 'failed', status: outcome.status, error: outcome.reason.replace(/^ESP/, 'receiver') };
      case 'retry':
        return {
          kind: 'failed',
          status: outcome.status,
          error: outcome.reason.replace(/^ESP/, 'receiver'),
          retryAfterMs: outcome.retryAfterMs,
        };
      case 'refused':
        return { kind: 'refused', error: outcome.reason };
    }
  }
}

/**
 * The id of a request that carries several events: a digest of their requestIds, in the order the
 * body lists them. It names that array only: a retried event comes back alone, under its own
 * requestId, which is what a receiver deduplicates on.
 */
export function batchRequestId(events: Array<Pick<FeedbackBody, 'requestId'>>): string {
  const digest = createHash('sha256');
  for (const event of events) digest.update(event.requestId).update('\n');
  return digest.digest('hex').slice(0, 32);
}
