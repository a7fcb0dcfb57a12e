import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { BodyLimit } from '../common/body-limits';
import { ApiErrorResponses } from '../common/error-body.dto';
import { SerialParam, UuidParam } from '../common/params';
import { CreateFeedbackWebhookDto } from './dto/create-feedback-webhook.dto';
import { FeedbackDeliveriesPageDto, FeedbackDeliveryDto, ListFeedbackDeliveriesQuery } from './dto/feedback-deliveries.dto';
import { FeedbackWebhookListDto, FeedbackWebhookTestResultDto, FeedbackWebhookViewDto } from './dto/feedback-webhook-view.dto';
import { UpdateFeedbackWebhookDto } from './dto/update-feedback-webhook.dto';
import { FeedbackWebhooksService } from './feedback-webhooks.service';

/** A PEM key and twenty headers of 4 KB fit; nothing else here takes a body. */
const SETTINGS_BODY_LIMIT = 256 * 1024;
const NO_BODY_LIMIT = 1024;

@ApiTags('feedback-webhooks')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('v1/feedback-webhooks')
export class FeedbackWebhooksController {
  constructor(private readonly webhooks: FeedbackWebhooksService) {}

  @Post()
  @BodyLimit(SETTINGS_BODY_LIMIT)
  @ApiCreatedResponse({ type: FeedbackWebhookViewDto })
  create(@Auth() auth: AuthContext, @Body() body: CreateFeedbackWebhookDto): Promise<FeedbackWebhookViewDto> {
    return this.webhooks.create(auth.accountId, body);
  }

  @Get()
  @BodyLimit(NO_BODY_LIMIT)
  @ApiOkResponse({ type: FeedbackWebhookListDto })
  async list(@Auth() auth: AuthContext): Promise<FeedbackWebhookListDto> {
    return { webhooks: await this.webhooks.list(auth.accountId) };
  }

  @Get(':id')
  @BodyLimit(NO_BODY_LIMIT)
  @ApiOkResponse({ type: FeedbackWebhookViewDto })
  get(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<FeedbackWebhookViewDto> {
    return this.webhooks.view(auth.accountId, id);
  }

  @Patch(':id')
  @BodyLimit(SETTINGS_BODY_LIMIT)
  @ApiOkResponse({ type: FeedbackWebhookViewDto })
  update(@Auth() auth: AuthContext, @UuidParam() id: string, @Body() body: UpdateFeedbackWebhookDto): Promise<FeedbackWebhookViewDto> {
    return this.webhooks.update(auth.accountId, id, body);
  }

  /** Nothing more is delivered to it; its delivery history stays. */
  @Delete(':id')
  @HttpCode(204)
  @BodyLimit(NO_BODY_LIMIT)
  @ApiNoContentResponse({ description: 'deleted' })
  remove(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<void> {
    return this.webhooks.remove(auth.accountId, id);
  }

  /** Delivers one sample `sent` event as a real one goes out; 200 whether the receiver took it or not. */
  @Post(':id/test')
  @HttpCode(200)
  @BodyLimit(NO_BODY_LIMIT)
  @ApiOkResponse({ type: FeedbackWebhookTestResultDto })
  test(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<FeedbackWebhookTestResultDto> {
    return this.webhooks.test(auth.accountId, id);
  }

  /** The webhook's deliveries, newest first: status, attempts, the receiver's last answer, the next attempt. */
  @Get(':id/deliveries')
  @BodyLimit(NO_BODY_LIMIT)
  @ApiOkResponse({ type: FeedbackDeliveriesPageDto })
  deliveries(
    @Auth() auth: AuthContext,
    @UuidParam() id: string,
    @Query() query: ListFeedbackDeliveriesQuery,
  ): Promise<FeedbackDeliveriesPageDto> {
    return this.webhooks.deliveries(auth.accountId, id, query);
  }

  /** Puts a dead delivery back in the queue (same requestId); 409 for one that is not dead. */
  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(200)
  @BodyLimit(NO_BODY_LIMIT)
  @ApiOkResponse({ type: FeedbackDeliveryDto })
  redeliver(
    @Auth() auth: AuthContext,
    @UuidParam() id: string,
    @SerialParam('deliveryId') deliveryId: number,
  ): Promise<FeedbackDeliveryDto> {
    return this.webhooks.redeliver(auth.accountId, id, deliveryId);
  }
}
