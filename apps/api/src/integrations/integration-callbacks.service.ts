import { Injectable } from '@nestjs/common';
import { EspEventState, EspEventsRepository, IntegrationsRepository } from '@sendgate/database';
import { notFound } from '../common/not-found';
import { CallbackUrls } from './callback-urls';

/** The operator's side of an integration's delivery callbacks: its URL, rotating it, and the events received. */
@Injectable()
export class IntegrationCallbacksService {
  constructor(
    private readonly integrations: IntegrationsRepository,
    private readonly events: EspEventsRepository,
    private readonly urls: CallbackUrls,
  ) {}

  /** A new callback URL; the one before answers 401 from now on. */
  async rotate(accountId: string, id: string): Promise<{ callbackUrl: string }> {
    await this.find(accountId, id);
    await this.integrations.rotateCallbackToken(accountId, id);
    const integration = await this.find(accountId, id);
    return { callbackUrl: this.urls.url(integration.id, integration.callbackTokenVersion) };
  }

  /** A keyset page of the integration's callback events, oldest first. */
  async list(accountId: string, id: string, query: { state?: EspEventState; after?: number; limit?: number }) {
    await this.find(accountId, id);
    const limit = query.limit ?? 100;
    const events = await this.events.list(id, limit, query.after ?? 0, query.state);
    return { events, next: events.length === limit ? events[events.length - 1].id : null };
  }

  private async find(accountId: string, id: string) {
    const integration = await this.integrations.find(accountId, id);
    if (!integration) throw notFound('integration', id);
    return integration;
  }
}
