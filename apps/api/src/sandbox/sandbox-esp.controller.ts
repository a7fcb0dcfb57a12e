import { Body, Controller, Get, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, Public } from '../auth/auth.guard';
import { BodyLimit } from '../common/body-limits';
import { ListSandboxMessagesQuery } from './dto/list-sandbox-messages.query';
import { SandboxEspService } from './sandbox-esp.service';

/** The sandbox stores what it is sent, so it takes far less than the API's bulk endpoints. */
const SANDBOX_BODY_LIMIT_BYTES = 256 * 1024;

/** Mounted only when SENDGATE_SANDBOX_ESP is true. */
@ApiTags('sandbox')
@Controller('sandbox/esp')
export class SandboxEspController {
  constructor(private readonly sandbox: SandboxEspService) {}

  /** Called by Sendgate's own sends, so no API key: the Idempotency-Key says whose message it is. */
  @Public()
  @Post('messages')
  @BodyLimit(SANDBOX_BODY_LIMIT_BYTES) // refused by Content-Length before reading, or as a chunked body reaches it
  @HttpCode(200)
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '<sendoutId>:<contactId>, or test:<integrationId>:<uuid> for an integration test' })
  accept(@Headers('idempotency-key') key: string | undefined, @Body() body: unknown) {
    return this.sandbox.accept(key, body);
  }

  /** The caller's most recent sandbox messages, newest first. */
  @ApiBearerAuth()
  @Get('messages')
  list(@Auth() auth: AuthContext, @Query() query: ListSandboxMessagesQuery) {
    return this.sandbox.list(auth.accountId, query.limit ?? 20, query.before);
  }
}
