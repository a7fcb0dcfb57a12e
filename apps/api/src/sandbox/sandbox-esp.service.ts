import { BadRequestException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { SandboxCallbackPlan, SandboxMessagesRepository } from '@sendgate/database';
import { assertNever, parseSentRequestKey } from '@sendgate/domain';
import { simulatedOutcome } from './simulated-outcome';

/**
 * The built-in sandbox ESP, so a first sendout needs no outside service. It takes only what
 * Sendgate itself sends: the Idempotency-Key names the sendout message (or integration test) and
 * so the account the row belongs to; each account lists only its own rows.
 */
@Injectable()
export class SandboxEspService {
  constructor(
    private readonly messages: SandboxMessagesRepository,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

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
    const given = (body as Record<string, unknown>).to;
    const to = typeof given === 'string' ? given.slice(0, 320) : null;
    const callback = parseSentRequestKey(key)?.kind === 'message' ? this.plan(to) : undefined; // an integration test has no delivery
    await this.messages.insert({ accountId, idempotencyKey: key, to, payloadJson, callback });
    return { messageId: `sandbox-${key}`, status: 'ACCEPTED' };
  }

  /** The account's messages, newest first; `next` pages on to older ones. */
  async list(accountId: string, limit: number, before?: number) {
    const messages = await this.messages.list(accountId, limit, before);
    return { messages, next: messages.length === limit ? messages[messages.length - 1].id : null };
  }

  /** The outcome the recipient asks for, and when its delivery callback is due (see SandboxCallbacksPoller). */
  private plan(to: string | null): SandboxCallbackPlan {
    const outcome = simulatedOutcome(to, this.config.sandbox.simulatorDomain);
    const delay = outcome.late ? this.config.sandbox.lateCallbackDelayMs : this.config.sandbox.callbackDelayMs;
    return { outcome: outcome.status, outcomeType: outcome.type, dueAt: new Date(Date.now() + delay) };
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
