import {
  BadRequestException,
  Injectable,
  Logger,
  PayloadTooLargeException,
  UnauthorizedException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { EspEventsRepository, IntegrationsRepository } from '@sendgate/database';
import { FeedbackMapping, extractEspEvents } from '@sendgate/esp';
import { CallbackUrls } from '../integrations/callback-urls';

/** More events than this in one request is a 413: the ESP sends them in smaller batches. */
export const MAX_EVENTS_PER_CALLBACK = 1_000;

/**
 * An ESP's delivery callbacks: read with the integration's feedback mapping, stored once each,
 * then applied set-based. The answer is 2xx for everything stored, matched or not: ESPs retry
 * anything else, and an event whose message is unknown yet is kept (and visible) anyway.
 */
@Injectable()
export class EspCallbacksService {
  private readonly logger = new Logger('EspCallbacks');

  constructor(
    private readonly integrations: IntegrationsRepository,
    private readonly events: EspEventsRepository,
    private readonly urls: CallbackUrls,
  ) {}

  async receive(token: string, body: unknown): Promise<{ received: number; duplicates: number }> {
    const claims = this.urls.check(token);
    const integration = claims ? await this.integrations.findById(claims.integrationId) : undefined;
    if (!claims || !integration || integration.callbackTokenVersion !== claims.version) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'this callback URL is not valid (or was rotated)',
      });
    }
    if (!integration.feedbackMapping) {
      // Not a 2xx: the ESP retries, and its retries are taken once a mapping is set.
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: 'the integration has no feedbackMapping yet (PATCH /v1/integrations/:id): its callbacks cannot be read',
      });
    }
    if (typeof body !== 'object' || body === null) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', field: '(body)', message: 'must be a JSON object or array' });
    }
    const events = extractEspEvents(integration.feedbackMapping as FeedbackMapping, body);
    if (events.length > MAX_EVENTS_PER_CALLBACK) {
      throw new PayloadTooLargeException({
        statusCode: 413,
        error: 'Payload Too Large',
        message: `at most ${MAX_EVENTS_PER_CALLBACK} events per request (got ${events.length})`,
      });
    }
    if (events.length === 0) return { received: 0, duplicates: 0 };
    const { inserted, pending } = await this.events.receive({ id: integration.id, accountId: integration.accountId }, events);
    try {
      await this.events.apply(pending);
    } catch (error) {
      // Stored is enough to answer: the periodic applier applies what this could not.
      this.logger.warn(`applying ${pending.length} callback event(s) failed, left for the applier: ${(error as Error).message}`);
    }
    return { received: events.length, duplicates: events.length - inserted };
  }
}
