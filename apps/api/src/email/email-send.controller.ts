import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { Auth, AuthContext } from '../auth/auth.guard';
import { AcceptsMultipart } from '../common/multipart';
import { badRequest } from '../common/validation';
import { ApiInfobipErrorResponses } from './dto/infobip-error-body.dto';
import { EmailSendAnswerDto, EmailSendFormDto } from './dto/email-send.dto';
import { EmailSendService } from './email-send.service';
import { readMultipart } from './multipart-reader';
import { readSendForm } from './send-form';

@ApiTags('email (Infobip-compatible)')
@ApiBearerAuth()
@ApiBasicAuth()
@ApiInfobipErrorResponses()
@Controller('email')
export class EmailSendController {
  constructor(
    private readonly service: EmailSendService,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

  /**
   * Sends an email to each `to` recipient (Infobip's fully featured email). The answer is an
   * acceptance: each message is PENDING_ACCEPTED; its outcome comes in reports and logs.
   * `Server-Timing` says where the request's time went.
   */
  @Post('3/send')
  @AcceptsMultipart()
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: EmailSendFormDto })
  @ApiOkResponse({ type: EmailSendAnswerDto })
  async send(
    @Auth() auth: AuthContext,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EmailSendAnswerDto> {
    const started = performance.now();
    const { maxAttachmentBytes } = this.config.email;
    const { fields, files } = await readMultipart(request, { maxFileBytes: maxAttachmentBytes });
    const { request: form, errors } = readSendForm(fields, files, { maxAttachmentBytes, now: new Date() });
    if (!form) throw badRequest(errors);
    const parse = performance.now() - started;
    const { answer, timings } = await this.service.send(auth, form);
    reply.header(
      'server-timing',
      [['parse', parse], ...Object.entries(timings)].map(([name, ms]) => `${name};dur=${(ms as number).toFixed(2)}`).join(', '),
    );
    return answer;
  }
}
