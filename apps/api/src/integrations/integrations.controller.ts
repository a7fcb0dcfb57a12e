import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { ApiErrorResponses } from '../common/error-body.dto';
import { ApiOneOfBody } from '../common/one-of';
import { UuidParam } from '../common/params';
import { CallbackEventsPageDto, CallbackUrlDto, ListCallbackEventsQuery } from './dto/callback-events.dto';
import { CreateIntegrationDto } from './dto/create-integration.dto';
import { IntegrationAuth, IntegrationAuthDto } from './dto/integration-auth.dto';
import { IntegrationTestResultDto } from './dto/integration-test-result.dto';
import { IntegrationViewDto } from './dto/integration-view.dto';
import { TestIntegrationDto } from './dto/test-integration.dto';
import { UpdateIntegrationDto } from './dto/update-integration.dto';
import { IntegrationCallbacksService } from './integration-callbacks.service';
import { IntegrationsService } from './integrations.service';

@ApiTags('integrations')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('v1/integrations')
export class IntegrationsController {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly callbacks: IntegrationCallbacksService,
  ) {}

  /** Step 1: configuration. The integration starts as a DRAFT. */
  @Post()
  @ApiCreatedResponse({ type: IntegrationViewDto })
  create(@Auth() auth: AuthContext, @Body() body: CreateIntegrationDto): Promise<IntegrationViewDto> {
    return this.integrations.create(auth.accountId, body);
  }

  /** Step 2: authentication: none, basic, or OAuth2 client credentials (checked against the token endpoint first). */
  @Put(':id/auth')
  @ApiOneOfBody(IntegrationAuthDto)
  @ApiOkResponse({ type: IntegrationViewDto })
  setAuth(@Auth() auth: AuthContext, @UuidParam() id: string, @Body() body: IntegrationAuthDto): Promise<IntegrationViewDto> {
    return this.integrations.setAuth(auth.accountId, id, body as IntegrationAuth); // the pipe validated it as the variant it names
  }

  /** Step 3: a test call; answers the request sent (secrets masked) and the ESP's response. */
  @Post(':id/test')
  @HttpCode(200)
  @ApiBody({ type: TestIntegrationDto, required: false })
  @ApiOkResponse({ type: IntegrationTestResultDto })
  test(@Auth() auth: AuthContext, @UuidParam() id: string, @Body() body: TestIntegrationDto = {}): Promise<IntegrationTestResultDto> {
    return this.integrations.test(auth.accountId, id, body ?? {});
  }

  /** Saves the integration for use by sendouts. */
  @Post(':id/activate')
  @HttpCode(200)
  @ApiOkResponse({ type: IntegrationViewDto })
  activate(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<IntegrationViewDto> {
    return this.integrations.activate(auth.accountId, id);
  }

  @Get(':id')
  @ApiOkResponse({ type: IntegrationViewDto })
  get(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<IntegrationViewDto> {
    return this.integrations.view(auth.accountId, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: IntegrationViewDto })
  update(@Auth() auth: AuthContext, @UuidParam() id: string, @Body() body: UpdateIntegrationDto): Promise<IntegrationViewDto> {
    return this.integrations.update(auth.accountId, id, body);
  }

  /** A new signed callback URL for the ESP's delivery callbacks; the previous one answers 401 from now on. */
  @Post(':id/callback-url/rotate')
  @HttpCode(200)
  @ApiOkResponse({ type: CallbackUrlDto })
  rotateCallbackUrl(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<CallbackUrlDto> {
    return this.callbacks.rotate(auth.accountId, id);
  }

  /** The delivery callback events received through the integration's callback URL, oldest first. */
  @Get(':id/callback-events')
  @ApiOkResponse({ type: CallbackEventsPageDto })
  callbackEvents(
    @Auth() auth: AuthContext,
    @UuidParam() id: string,
    @Query() query: ListCallbackEventsQuery,
  ): Promise<CallbackEventsPageDto> {
    return this.callbacks.list(auth.accountId, id, query);
  }

  /** Refused with 409 while a running sendout uses it. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'deleted' })
  remove(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<void> {
    return this.integrations.remove(auth.accountId, id);
  }
}
