import { randomBytes, randomUUID } from 'node:crypto';
import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { MASK, SecretBox } from '@sendgate/crypto';
import {
  FeedbackDeliveryLogRepository,
  FeedbackDeliveryRecord,
  FeedbackWebhookEntity,
  FeedbackWebhooksRepository,
} from '@sendgate/database';
import { Channel, FeedbackDeliveryState, FeedbackEvent, FieldError, feedbackBody } from '@sendgate/domain';
import { OutboundGuard, checkOutboundUrl, maskHeaders, sameOrigin } from '@sendgate/esp';
import { FeedbackSender, openReceiver } from '@sendgate/feedback';
import { notFound } from '../common/not-found';
import { badRequest } from '../common/validation';
import { CreateFeedbackWebhookDto } from './dto/create-feedback-webhook.dto';
import { DeliveryStatus, FeedbackDeliveriesPageDto, FeedbackDeliveryDto, ListFeedbackDeliveriesQuery } from './dto/feedback-deliveries.dto';
import { FeedbackWebhookTestResultDto, FeedbackWebhookViewDto } from './dto/feedback-webhook-view.dto';
import { UpdateFeedbackWebhookDto } from './dto/update-feedback-webhook.dto';
import { FeedbackWebhookSettings } from './feedback-webhook-settings';

const BODY_EXCERPT_CHARS = 2_048;
const DEFAULT_PAGE = 100;

/**
 * Feedback webhooks: where an account's message status changes are delivered (the AJO feedback
 * shape), with their secrets sealed and masked in every answer; a test delivery; and the delivery
 * history, whose dead rows an operator may put back in the queue.
 */
@Injectable()
export class FeedbackWebhooksService {
  private readonly settings: FeedbackWebhookSettings;

  constructor(
    private readonly webhooks: FeedbackWebhooksRepository,
    private readonly deliveryLog: FeedbackDeliveryLogRepository,
    private readonly sender: FeedbackSender,
    private readonly guard: OutboundGuard,
    private readonly box: SecretBox,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {
    this.settings = new FeedbackWebhookSettings(box);
  }

  async create(accountId: string, dto: CreateFeedbackWebhookDto): Promise<FeedbackWebhookViewDto> {
    const errors = await this.urlProblems(dto.url);
    const auth = await this.settings.auth(dto.auth, undefined, false, errors);
    const headers = this.settings.headers(dto.headers ?? [], auth.authType, [], false, errors);
    if (errors.length > 0) throw badRequest(errors);
    const id = randomUUID();
    await this.webhooks.insert({
      id,
      accountId,
      name: dto.name,
      channels: dto.channels.join(','),
      url: dto.url,
      ...auth,
      headers,
      maxEventsPerRequest: dto.maxEventsPerRequest ?? 1,
    });
    return this.view(accountId, id);
  }

  async list(accountId: string): Promise<FeedbackWebhookViewDto[]> {
    return (await this.webhooks.list(accountId)).map(toView);
  }

  async view(accountId: string, id: string): Promise<FeedbackWebhookViewDto> {
    return toView(await this.find(accountId, id));
  }

  /** Each field sent replaces the stored one; a move to another origin takes every secret sent again. */
  async update(accountId: string, id: string, dto: UpdateFeedbackWebhookDto): Promise<FeedbackWebhookViewDto> {
    const current = await this.find(accountId, id);
    const moved = dto.url !== undefined && !sameOrigin(dto.url, current.url);
    const errors = [
      ...(dto.url !== undefined ? await this.urlProblems(dto.url) : []),
      ...(moved ? this.settings.leftBehind(current, dto.headers !== undefined, dto.auth !== undefined) : []),
    ];
    const auth = dto.auth !== undefined ? await this.settings.auth(dto.auth, current, moved, errors) : undefined;
    const authType = auth?.authType ?? current.authType;
    const headers =
      dto.headers !== undefined ? this.settings.headers(dto.headers, authType, current.headers ?? [], moved, errors) : undefined;
    if (headers === undefined) errors.push(...this.settings.storedHeaderProblems(current.headers ?? [], authType));
    if (errors.length > 0) throw badRequest(errors);
    await this.webhooks.update(accountId, id, {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...(dto.channels !== undefined ? { channels: dto.channels.join(',') } : {}),
      ...(dto.url !== undefined ? { url: dto.url } : {}),
      ...auth,
      ...(headers !== undefined ? { headers } : {}),
      ...(dto.maxEventsPerRequest !== undefined ? { maxEventsPerRequest: dto.maxEventsPerRequest } : {}),
    });
    return this.view(accountId, id);
  }

  /** Soft delete: nothing more is delivered to it; its delivery rows stay. */
  async remove(accountId: string, id: string): Promise<void> {
    if (!(await this.webhooks.delete(accountId, id))) throw notFound('feedback webhook', id);
  }

  /**
   * Delivers one sample `sent` event, signed and with the headers as real events are (in an array
   * of one for a webhook that takes several per request), and tells what the receiver answered.
   */
  async test(accountId: string, id: string): Promise<FeedbackWebhookTestResultDto> {
    const webhook = await this.find(accountId, id);
    const requestId = randomBytes(16).toString('hex');
    const body = feedbackBody({
      requestId,
      accountId,
      project: { id: 'test', name: 'test' },
      channel: channelsOf(webhook)[0],
      messageId: 0,
      messageType: 'transactional',
      campaignId: 'test',
      campaignVersionId: 'test',
      event: FeedbackEvent.SENT,
      retryCount: 0,
      email: 'test@example.com',
      phone: '+15555550123',
    });
    const receiver = openReceiver(webhook, this.box);
    const attempt = await this.sender.deliver(receiver, receiver.maxEventsPerRequest > 1 ? [body] : body);
    switch (attempt.kind) {
      case 'delivered':
        return { delivered: true, status: attempt.status, body: attempt.body.slice(0, BODY_EXCERPT_CHARS), requestId };
      case 'failed':
        return { delivered: false, ...(attempt.status !== undefined ? { status: attempt.status } : {}), error: attempt.error, requestId };
      case 'refused':
        return { delivered: false, error: attempt.error, requestId };
    }
  }

  async deliveries(accountId: string, id: string, query: ListFeedbackDeliveriesQuery): Promise<FeedbackDeliveriesPageDto> {
    await this.find(accountId, id);
    const page = await this.deliveryLog.list(accountId, id, {
      state: query.status !== undefined ? (query.status.toUpperCase() as FeedbackDeliveryState) : undefined,
      after: query.after,
      limit: query.limit ?? DEFAULT_PAGE,
    });
    return { deliveries: page.deliveries.map(toDeliveryView), next: page.next };
  }

  /** Puts a dead delivery back in the queue, due now, with the same requestId. */
  async redeliver(accountId: string, id: string, deliveryId: number): Promise<FeedbackDeliveryDto> {
    await this.find(accountId, id);
    const outcome = await this.deliveryLog.redeliver(accountId, id, deliveryId);
    switch (outcome.kind) {
      case 'queued':
        return toDeliveryView(outcome.delivery);
      case 'missing':
        throw notFound('feedback delivery', String(deliveryId), 'deliveryId');
      case 'not-dead':
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: `feedback delivery ${deliveryId} is ${outcome.state.toLowerCase()}: only a dead one is redelivered`,
          field: 'deliveryId',
        });
    }
  }

  private async find(accountId: string, id: string): Promise<FeedbackWebhookEntity> {
    const webhook = await this.webhooks.find(accountId, id);
    if (!webhook) throw notFound('feedback webhook', id);
    return webhook;
  }

  /** HTTPS, unless private networks are allowed (development, tests); never into private networks otherwise. */
  private async urlProblems(url: string): Promise<FieldError[]> {
    const problem = await checkOutboundUrl(url, this.guard);
    if (problem) return [{ field: 'url', message: problem }];
    if (!this.config.outbound.allowPrivateNetworks && new URL(url).protocol !== 'https:')
      return [{ field: 'url', message: 'must use https' }];
    return [];
  }
}

function channelsOf(webhook: FeedbackWebhookEntity): Channel[] {
  return webhook.channels.split(',') as Channel[];
}

function toView(w: FeedbackWebhookEntity): FeedbackWebhookViewDto {
  const jwt = w.authType === 'jwt' ? w.authSettings : null;
  return {
    id: w.id,
    name: w.name,
    channels: channelsOf(w),
    url: w.url,
    auth: jwt
      ? {
          type: 'jwt',
          algorithm: jwt.algorithm,
          ...(jwt.algorithm === 'HS256' ? { secret: MASK } : { privateKey: MASK }),
          ...(jwt.issuer !== undefined ? { issuer: jwt.issuer } : {}),
          ...(jwt.audience !== undefined ? { audience: jwt.audience } : {}),
          expiresInSeconds: jwt.expiresInSeconds,
        }
      : { type: 'none' },
    headers: maskHeaders(w.headers),
    maxEventsPerRequest: w.maxEventsPerRequest,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}

function toDeliveryView(d: FeedbackDeliveryRecord): FeedbackDeliveryDto {
  const { state, ...rest } = d;
  return { ...rest, status: state.toLowerCase() as DeliveryStatus };
}
