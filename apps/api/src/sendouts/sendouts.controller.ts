import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Auth, AuthContext } from '../auth/auth.guard';
import { ApiErrorResponses } from '../common/error-body.dto';
import { UuidParam } from '../common/params';
import { badRequest } from '../common/validation';
import { CreateSendoutDto } from './dto/create-sendout.dto';
import { ListPathQuery } from './dto/list-path.query';
import { PathPageDto, SendoutViewDto } from './dto/sendout-view.dto';
import { SendoutsService } from './sendouts.service';

@ApiTags('sendouts')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('v1/sendouts')
export class SendoutsController {
  constructor(private readonly sendouts: SendoutsService) {}

  /**
   * Starts a sendout; answers 202 at once, progress is on GET. A retry with the same
   * Idempotency-Key answers the sendout the first attempt made, with 200.
   */
  @Post()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Up to 255 printable characters, unique per account: a retried request answers the same sendout instead of sending twice',
  })
  @ApiAcceptedResponse({ type: SendoutViewDto, description: 'started' })
  @ApiOkResponse({ type: SendoutViewDto, description: 'the sendout an earlier request with the same Idempotency-Key made' })
  async create(
    @Auth() auth: AuthContext,
    @Body() body: CreateSendoutDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const { view, created } = await this.sendouts.create(auth.accountId, body, readIdempotencyKey(key));
    // Sent here, not returned: the status depends on the outcome (Nest would apply one fixed code).
    return reply.status(created ? 202 : 200).send(view);
  }

  @Get(':id')
  @ApiOkResponse({ type: SendoutViewDto })
  get(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<SendoutViewDto> {
    return this.sendouts.get(auth.accountId, id);
  }

  /** Cancels the sendout in any stage; nothing further is sent. 202: the workflow winds down. */
  @Post(':id/cancel')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: SendoutViewDto })
  cancel(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<SendoutViewDto> {
    return this.sendouts.cancel(auth.accountId, id);
  }

  /** The contacts on one path of the gate's split (accepted, rejected, timedOut), or excluded for want of an address (excluded). */
  @Get(':id/messages')
  @ApiOkResponse({ type: PathPageDto })
  listPath(@Auth() auth: AuthContext, @UuidParam() id: string, @Query() query: ListPathQuery): Promise<PathPageDto> {
    return this.sendouts.listPath(auth.accountId, id, query.path, query.after ?? 0, query.limit ?? 1_000);
  }
}

/** The Idempotency-Key header: 1 to 255 printable ASCII characters. */
function readIdempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^[\x20-\x7e]{1,255}$/.test(raw) || raw.trim() === '') {
    throw badRequest([{ field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' }]);
  }
  return raw;
}
