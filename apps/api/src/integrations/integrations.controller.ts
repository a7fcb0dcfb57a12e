import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { UuidParam } from '../common/params';
import { CreateIntegrationDto } from './dto/create-integration.dto';
import { TestIntegrationDto } from './dto/test-integration.dto';
import { UpdateIntegrationDto } from './dto/update-integration.dto';
import { IntegrationsService } from './integrations.service';

@ApiTags('integrations')
@ApiBearerAuth()
@Controller('v1/integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  /** Step 1: configuration. The integration starts as a DRAFT. */
  @Post()
  create(@Auth() auth: AuthContext, @Body() body: CreateIntegrationDto) {
    return this.integrations.create(auth.accountId, body);
  }

  /** Step 2: authentication. */
  @Put(':id/auth')
  @ApiBody({
    schema: { example: { type: 'oauth2', tokenUrl: 'https://auth.example.com/oauth/token', clientId: 'sendgate', clientSecret: 'secret', scope: 'send' } },
    description: '{type: "none"} | {type: "basic", username, password} | {type: "oauth2", tokenUrl, clientId, clientSecret, clientIdKey?, clientSecretKey?, scope?, credentialsIn?: "body" | "header"}',
  })
  setAuth(@Auth() auth: AuthContext, @UuidParam() id: string, @Body() body: unknown) {
    return this.integrations.setAuth(auth.accountId, id, body);
  }

  /** Step 3: a test call; answers the request sent (secrets masked) and the ESP's response. */
  @Post(':id/test')
  @HttpCode(200)
  test(@Auth() auth: AuthContext, @UuidParam() id: string, @Body() body: TestIntegrationDto = {}) {
    return this.integrations.test(auth.accountId, id, body ?? {});
  }

  /** Saves the integration for use by sendouts. */
  @Post(':id/activate')
  @HttpCode(200)
  activate(@Auth() auth: AuthContext, @UuidParam() id: string) {
    return this.integrations.activate(auth.accountId, id);
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @UuidParam() id: string) {
    return this.integrations.view(auth.accountId, id);
  }

  @Patch(':id')
  update(@Auth() auth: AuthContext, @UuidParam() id: string, @Body() body: UpdateIntegrationDto) {
    return this.integrations.update(auth.accountId, id, body);
  }

  /** Refused with 409 while a running sendout uses it. */
  @Delete(':id')
  @HttpCode(204)
  remove(@Auth() auth: AuthContext, @UuidParam() id: string) {
    return this.integrations.remove(auth.accountId, id);
  }
}
