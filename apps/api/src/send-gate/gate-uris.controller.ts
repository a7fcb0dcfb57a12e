import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.guard';
import { BodyLimit, MB } from '../common/body-limits';
import { GateDecisionsService } from './gate-decisions.service';
import { GateToken } from './gate-token.hook';

/** The signed URIs handed to integrators. No API key: the token in the path is the credential. */
@ApiTags('send gate (integrator URIs)')
@Public()
@Controller('gate/v1')
export class GateUrisController {
  constructor(private readonly decisions: GateDecisionsService) {}

  /** finishUri: accept and release the whole batch. */
  @Post('finish/:token')
  @GateToken('finish')
  @HttpCode(200)
  finish(@Param('token') token: string) {
    return this.decisions.finish(token);
  }

  /** cancelUri / rejectUri: reject this one contact's message, with an optional {reason}. */
  @Post('reject/:token')
  @GateToken('reject')
  @HttpCode(200)
  reject(@Param('token') token: string, @Body() body?: { reason?: unknown }) {
    const reason = typeof body?.reason === 'string' ? body.reason.slice(0, 400) : undefined;
    return this.decisions.reject(token, reason);
  }

  /** itemDownloadUri: every contact of the batch with its cancelUri, as NDJSON (or CSV with Accept: text/csv). */
  @Get('items/:token')
  @GateToken('items')
  async items(@Param('token') token: string, @Headers('accept') accept: string | undefined, @Res() reply: FastifyReply) {
    const format = accept?.includes('text/csv') ? 'csv' : 'ndjson';
    const stream = await this.decisions.items(token, format);
    return reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson').send(stream);
  }

  /** dataUri: attach data to contacts before accepting, as [{id, data}] JSON or NDJSON; templates read {{ gate.<field> }}. */
  @Post('data/:token')
  @GateToken('data')
  @BodyLimit(32 * MB) // 100,000 entries
  @HttpCode(200)
  data(@Param('token') token: string, @Body() body: unknown) {
    return this.decisions.attachData(token, body);
  }
}
