import { Body, Controller, Get, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { GateClaims } from '@sendgate/gate';
import { Public } from '../auth/auth.guard';
import { BodyLimit, MB } from '../common/body-limits';
import { ApiErrorResponses } from '../common/error-body.dto';
import {
  GateDataEntryDto,
  GateDataItemsDto,
  GateDataReceivedDto,
  GateFinishedDto,
  GateRejectedDto,
  MAX_REASON_LENGTH,
  RejectBodyDto,
} from './dto/gate-uris.dto';
import { GateDecisionsService } from './gate-decisions.service';
import { GateToken, GateTokenClaims } from './gate-token.hook';

/** The signed URIs handed to integrators. No API key: the token in the path is the credential. */
@ApiTags('send gate (integrator URIs)')
@ApiErrorResponses()
@Public()
@Controller('gate/v1')
export class GateUrisController {
  constructor(private readonly decisions: GateDecisionsService) {}

  /** finishUri: accept and release the whole batch. */
  @Post('finish/:token')
  @GateToken('finish')
  @HttpCode(200)
  @ApiOkResponse({ type: GateFinishedDto })
  finish(@GateTokenClaims() claims: GateClaims): Promise<GateFinishedDto> {
    return this.decisions.finish(claims);
  }

  /** cancelUri / rejectUri: reject this one contact's message, with an optional {reason}. */
  @Post('reject/:token')
  @GateToken('reject')
  @HttpCode(200)
  @ApiBody({ type: RejectBodyDto, required: false })
  @ApiOkResponse({ type: GateRejectedDto })
  reject(@GateTokenClaims() claims: GateClaims, @Body() body?: RejectBodyDto): Promise<GateRejectedDto> {
    return this.decisions.reject(claims, body?.reason?.slice(0, MAX_REASON_LENGTH));
  }

  /** itemDownloadUri: every contact of the batch with its cancelUri, as NDJSON (or CSV with Accept: text/csv). */
  @Get('items/:token')
  @GateToken('items')
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({
    description: 'A stream: NDJSON, one {"id", "email"?, "phone"?, "cancelUri"} per line; or CSV with the header id,email,phone,cancelUri',
    schema: { type: 'string' },
  })
  async items(
    @GateTokenClaims() claims: GateClaims,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const format = accept?.includes('text/csv') ? 'csv' : 'ndjson';
    const stream = await this.decisions.items(claims, format);
    return reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson').send(stream);
  }

  /**
   * dataUri: attach data to contacts before accepting; templates read {{ gate.<field> }}. The three
   * forms of the body are read, and checked entry by entry, by parseGateData.
   */
  @Post('data/:token')
  @GateToken('data')
  @BodyLimit(32 * MB) // 100,000 entries
  @HttpCode(200)
  @ApiConsumes('application/json', 'application/x-ndjson')
  @ApiExtraModels(GateDataEntryDto, GateDataItemsDto)
  @ApiBody({
    description: 'JSON: [{"id", "data"}] or {"items": [{"id", "data"}]}; NDJSON (application/x-ndjson): one {"id", "data"} per line',
    schema: {
      oneOf: [
        { type: 'array', items: { $ref: getSchemaPath(GateDataEntryDto) } },
        { $ref: getSchemaPath(GateDataItemsDto) },
        { type: 'string', description: 'NDJSON', example: '{"id":"crm-42","data":{"promoCode":"SPRING-42"}}\n' },
      ],
    },
  })
  @ApiOkResponse({ type: GateDataReceivedDto })
  data(@GateTokenClaims() claims: GateClaims, @Body() body: GateDataEntryDto[] | GateDataItemsDto | string): Promise<GateDataReceivedDto> {
    return this.decisions.attachData(claims, body);
  }
}
