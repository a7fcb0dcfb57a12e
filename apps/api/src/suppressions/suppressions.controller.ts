import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  Res,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Channel } from '@sendgate/domain';
import { Auth, AuthContext } from '../auth/auth.guard';
import { BodyLimit, MB } from '../common/body-limits';
import { ApiErrorResponses } from '../common/error-body.dto';
import { OneOfParam, TextParam } from '../common/params';
import {
  CHANNELS,
  CreateSuppressionDto,
  ImportSuppressionsAnswerDto,
  ImportSuppressionsQuery,
  ListSuppressionsQuery,
  MAX_ADDRESS_INPUT,
  SuppressionDto,
  SuppressionsPageDto,
} from './dto/suppression.dto';
import { MAX_IMPORT_LINES } from './suppression-import';
import { SuppressionsService } from './suppressions.service';

/** Nothing but the import takes more than a line of JSON. */
const SMALL_BODY_LIMIT = 4 * 1024;
const NO_BODY_LIMIT = 1024;
/** MAX_IMPORT_LINES lines of an address and a short source. */
const IMPORT_BODY_LIMIT = 64 * MB;

@ApiTags('suppressions')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('v1/suppressions')
export class SuppressionsController {
  constructor(private readonly suppressions: SuppressionsService) {}

  /** Suppresses an address: 201 with the new entry, or 200 with the entry already there (its first reason kept). */
  @Post()
  @BodyLimit(SMALL_BODY_LIMIT)
  @ApiCreatedResponse({ type: SuppressionDto, description: 'added' })
  @ApiOkResponse({ type: SuppressionDto, description: 'suppressed already: the entry as it was' })
  async create(
    @Auth() auth: AuthContext,
    @Body() body: CreateSuppressionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SuppressionDto> {
    const { created, suppression } = await this.suppressions.add(auth.accountId, body);
    reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return suppression;
  }

  /** The account's suppressions, oldest first, a keyset page at a time. */
  @Get()
  @BodyLimit(NO_BODY_LIMIT)
  @ApiOkResponse({ type: SuppressionsPageDto })
  list(@Auth() auth: AuthContext, @Query() query: ListSuppressionsQuery): Promise<SuppressionsPageDto> {
    return this.suppressions.list(auth.accountId, query);
  }

  /**
   * Imports many addresses: NDJSON (`application/x-ndjson`), one {"address", "channel"?, "reason"?,
   * "source"?} per line, or CSV (`text/csv`) with a header row naming the columns address and any of
   * channel, reason, source. What a line leaves out comes from the query. Invalid lines are skipped
   * and reported (the first 100), the valid ones stored; blank lines are ignored.
   */
  @Post('import')
  @HttpCode(200)
  @BodyLimit(IMPORT_BODY_LIMIT)
  @ApiConsumes('application/x-ndjson', 'text/csv')
  @ApiBody({
    description: `At most ${MAX_IMPORT_LINES} lines`,
    schema: { type: 'string', example: '{"address":"ada@example.com","reason":"unsubscribed"}\n{"address":"grace@example.com"}\n' },
  })
  @ApiOkResponse({ type: ImportSuppressionsAnswerDto })
  import(
    @Auth() auth: AuthContext,
    @Headers('content-type') contentType: string | undefined,
    @Query() query: ImportSuppressionsQuery,
    @Body() body: unknown,
  ): Promise<ImportSuppressionsAnswerDto> {
    const media = contentType?.split(';')[0].trim().toLowerCase();
    const format = media === 'text/csv' ? 'csv' : media === 'application/x-ndjson' ? 'ndjson' : undefined;
    if (!format || typeof body !== 'string') {
      throw new UnsupportedMediaTypeException({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `the content type ${JSON.stringify(contentType ?? '')} is not accepted here: send application/x-ndjson or text/csv`,
      });
    }
    return this.suppressions.import(auth.accountId, body, format, query);
  }

  /** The entry of an address (URL-encoded; matched normalised, so Ada@Example.com finds ada@example.com). */
  @Get(':channel/:address')
  @BodyLimit(NO_BODY_LIMIT)
  @ApiOkResponse({ type: SuppressionDto })
  get(
    @Auth() auth: AuthContext,
    @OneOfParam('channel', CHANNELS) channel: Channel,
    @TextParam('address', MAX_ADDRESS_INPUT) address: string,
  ): Promise<SuppressionDto> {
    return this.suppressions.get(auth.accountId, channel, address);
  }

  /** Sends to the address again; 404 when it is not suppressed. */
  @Delete(':channel/:address')
  @HttpCode(204)
  @BodyLimit(NO_BODY_LIMIT)
  @ApiNoContentResponse({ description: 'removed' })
  remove(
    @Auth() auth: AuthContext,
    @OneOfParam('channel', CHANNELS) channel: Channel,
    @TextParam('address', MAX_ADDRESS_INPUT) address: string,
  ): Promise<void> {
    return this.suppressions.remove(auth.accountId, channel, address);
  }
}
