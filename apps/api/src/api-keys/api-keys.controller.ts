import { Body, Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { ApiErrorResponses } from '../common/error-body.dto';
import { UuidParam } from '../common/params';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyListDto, ApiKeyViewDto, NewApiKeyDto } from './dto/api-key-view.dto';
import { KeyEmailDefaultsDto } from './dto/key-email-defaults.dto';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('api keys')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** A new key for the caller's account: `key` is in this answer only, never shown again. */
  @Post()
  @ApiCreatedResponse({ type: NewApiKeyDto })
  create(@Auth() auth: AuthContext, @Body() body: CreateApiKeyDto): Promise<NewApiKeyDto> {
    return this.keys.create(auth.accountId, body.name);
  }

  /** The account's keys, revoked ones included: prefixes only, never a key. */
  @Get()
  @ApiOkResponse({ type: ApiKeyListDto })
  list(@Auth() auth: AuthContext): Promise<ApiKeyListDto> {
    return this.keys.list(auth.accountId).then((keys) => ({ keys }));
  }

  /** Which project (and email integration) `POST /email/3/send` sends through when called with this key. */
  @Put(':id/email-defaults')
  @ApiOkResponse({ type: ApiKeyViewDto })
  setEmailDefaults(@Auth() auth: AuthContext, @UuidParam() id: string, @Body() body: KeyEmailDefaultsDto): Promise<ApiKeyViewDto> {
    return this.keys.setEmailDefaults(auth.accountId, id, body);
  }

  /** Revokes a key; requests with it are refused from the next one on. 409 for the last active key. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'revoked' })
  async revoke(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<void> {
    await this.keys.revoke(auth.accountId, id);
  }
}
