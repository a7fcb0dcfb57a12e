import { BadRequestException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { SandboxMessagesRepository } from '@sendgate/database';
import { assertNever, parseSentRequestKey } from '@sendgate/domain';

/**
 * The built-in sandbox ESP, so a first sendout needs no outside service. It takes only what
 * Sendgate itself sends: the Idempotency-Key names the sendout message (or integration test) and
 * so the account the row belongs to; each account lists only its own rows.
 */
@Injectable()
export class SandboxEspService {
  constructor(private readonly messages: SandboxMessagesRepository) {}

  async accept(key: string | undefined, body: unknown) {
    if (!key) throw badKey('the Idempotency-Key header is required');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'the body must be a JSON object' });
    }
    const payloadJson = JSON.stringify(body);
    const accountId = await this.accountOf(key);
    if (!accountId) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        field: 'Idempotency-Key',
        message: 'the Idempotency-Key names no message or integration test Sendgate sent; the sandbox ESP only takes what Sendgate sends',
      });
    }
    const to = (body as Record<string, unknown>).to;
    await this.messages.insert({ accountId, idempotencyKey: key, to: typeof to === 'string' ? to.slice(0, 320) : null, payloadJson });
    return { messageId: `sandbox-${key}`, status: 'ACCEPTED' };
  }

  /** The account's messages, newest first; `next` pages on to older ones. */
  async list(accountId: string, limit: number, before?: number) {
    const messages = await this.messages.list(accountId, limit, before);
    return { messages, next: messages.length === limit ? messages[messages.length - 1].id : null };
  }

  private async accountOf(key: string): Promise<string | undefined> {
    const sent = parseSentRequestKey(key);
    if (!sent) return undefined;
    switch (sent.kind) {
      case 'message':
        return this.messages.accountOfMessage(sent.sendoutId, sent.contactId);
      case 'integration-test':
        return this.messages.accountOfIntegration(sent.integrationId);
      default:
        return assertNever(sent);
    }
  }
}

function badKey(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, field: 'Idempotency-Key' });
}
