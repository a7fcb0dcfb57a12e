import { Body, Controller, Get, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, Public } from '../auth/auth.guard';
import { BodyLimit } from '../common/body-limits';
import { ApiErrorResponses } from '../common/error-body.dto';
import { SandboxAcceptedDto, SandboxMessagesPageDto } from './dto/sandbox-answers.dto';
import { ListSandboxMessagesQuery } from './dto/list-sandbox-messages.query';
import { SandboxEspService } from './sandbox-esp.service';

/** The sandbox stores what it is sent, so it takes far less than the API's bulk endpoints. */
const SANDBOX_BODY_LIMIT_BYTES = 256 * 1024;

/** Mounted only when SENDGATE_SANDBOX_ESP is true. */
@ApiTags('sandbox')
@ApiErrorResponses()
@Controller('sandbox/esp')
export class SandboxEspController {
  constructor(private readonly sandbox: SandboxEspService) {}

  /** Called by Sendgate's own sends, so no API key: the Idempotency-Key says whose message it is. */
  @Public()
  @Post('messages')
  @BodyLimit(SANDBOX_BODY_LIMIT_BYTES) // refused by Content-Length before reading, or as a chunked body reaches it
  @HttpCode(200)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: '<sendoutId>:<contactId>, or test:<integrationId>:<uuid> for an integration test',
  })
  @ApiBody({
    description: 'Any JSON object, stored as it is (what the integration\'s payload template renders); a string "to" is listed with it',
    schema: { type: 'object', additionalProperties: true, example: { to: 'ada@example.com', subject: 'Hello' } },
  })
  @ApiOkResponse({ type: SandboxAcceptedDto })
  // Free-form: typed as a plain record, so the validation pipe leaves it as sent (the service checks it is an object).
  accept(@Headers('idempotency-key') key: string | undefined, @Body() body: Record<string, unknown>): Promise<SandboxAcceptedDto> {
    return this.sandbox.accept(key, body);
  }

  /** The caller's most recent sandbox messages, newest first. */
  @ApiBearerAuth()
  @Get('messages')
  @ApiOkResponse({ type: SandboxMessagesPageDto })
  list(@Auth() auth: AuthContext, @Query() query: ListSandboxMessagesQuery): Promise<SandboxMessagesPageDto> {
    return this.sandbox.list(auth.accountId, query.limit ?? 20, query.before);
  }
}
