import { Inject, Injectable, Logger } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { DueSandboxCallback, SandboxMessagesRepository } from '@sendgate/database';
import { groupBy } from '@sendgate/domain';
import { MappedStatus, SandboxCallbackBody, isSandboxPreset } from '@sendgate/esp';
import { PeriodicPass } from '../common/periodic-pass';
import { CallbackUrls } from '../integrations/callback-urls';
import { outcomeDetails } from './simulated-outcome';

const PER_PASS = 500;
const RETRY_AFTER_MS = 30_000;

/**
 * The sandbox ESP's delivery callbacks: every SENDGATE_SANDBOX_CALLBACK_POLL_MS, the callbacks due
 * (recorded with each accepted message) are posted, one request per integration, in the sandbox
 * preset's shape to the integration's callback URL, as an outside ESP would. Only integrations
 * whose feedbackMapping is the sandbox preset get them; for the others the callback is dropped. A
 * failed post is due again 30 s later. Several API processes may post the same callback: the
 * receiving side stores an event once (its hash), so the repeat changes nothing.
 *
 * The request goes straight to our own PUBLIC_BASE_URL, not through the OutboundGuard: the address
 * is the operator's own configuration, never an integrator's, and is usually 127.0.0.1, which the
 * guard (rightly, for integrators' URLs) refuses unless private networks are allowed.
 */
@Injectable()
export class SandboxCallbacksPoller extends PeriodicPass {
  constructor(
    private readonly messages: SandboxMessagesRepository,
    private readonly urls: CallbackUrls,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {
    super(new Logger('SandboxCallbacks'), 'post sandbox callbacks');
  }

  protected intervalMs(): number {
    return this.config.sandbox.callbackPollMs;
  }

  protected async pass(): Promise<void> {
    const due = await this.messages.dueCallbacks(new Date(), PER_PASS);
    const postable = (c: DueSandboxCallback) => c.integrationId !== null && isSandboxPreset(c.feedbackMapping);
    await this.messages.clearCallbacks(due.filter((c) => !postable(c)).map((c) => c.id));
    const byIntegration = groupBy(due.filter(postable), (c) => c.integrationId);
    await Promise.all([...byIntegration.values()].map((callbacks) => this.post(callbacks)));
  }

  private async post(callbacks: DueSandboxCallback[]): Promise<void> {
    const [first] = callbacks;
    const ids = callbacks.map((c) => c.id);
    const body: SandboxCallbackBody = {
      events: callbacks.map((c) => ({
        messageId: `sandbox-${c.idempotencyKey}`,
        idempotencyKey: c.idempotencyKey,
        status: c.outcome as MappedStatus,
        type: c.outcomeType,
        ...outcomeDetails(c.outcome, c.outcomeType),
        at: c.dueAt.toISOString(),
      })),
    };
    try {
      const response = await fetch(this.urls.url(first.integrationId!, first.callbackTokenVersion!), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.outbound.requestTimeoutMs),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`the callback URL answered ${response.status}`);
      await this.messages.clearCallbacks(ids);
    } catch (error) {
      this.logger.warn(
        `sandbox callbacks to integration ${first.integrationId} not delivered, retried in 30 s: ${(error as Error).message}`,
      );
      await this.messages.postponeCallbacks(ids, new Date(Date.now() + RETRY_AFTER_MS));
    }
  }
}
