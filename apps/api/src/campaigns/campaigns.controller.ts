import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { BodyLimit, MB } from '../common/body-limits';
import { ApiErrorResponses } from '../common/error-body.dto';
import { TextParam, UuidParam } from '../common/params';
import { CampaignsService } from './campaigns.service';
import {
  CampaignExecutionPageDto,
  CampaignPageDto,
  CampaignPageQuery,
  CampaignTriggerDto,
  CampaignViewDto,
  CreateCampaignDto,
} from './dto/campaign.dto';

/** A campaign's body: up to 20 steps, each message's content included. */
const CAMPAIGN_BODY_LIMIT = MB;

@ApiTags('campaigns')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  /** Stores a campaign and schedules its steps (400 errors name the step and the field). */
  @Post()
  @BodyLimit(CAMPAIGN_BODY_LIMIT)
  @ApiCreatedResponse({ type: CampaignViewDto })
  create(@Auth() auth: AuthContext, @Body() body: CreateCampaignDto): Promise<CampaignViewDto> {
    return this.campaigns.create(auth.accountId, body);
  }

  @Get()
  @ApiOkResponse({ type: CampaignPageDto })
  list(@Auth() auth: AuthContext, @Query() query: CampaignPageQuery): Promise<CampaignPageDto> {
    return this.campaigns.list(auth.accountId, query.before, query.limit);
  }

  /** The campaign, with each step's schedule as Temporal has it now. */
  @Get(':id')
  @ApiOkResponse({ type: CampaignViewDto })
  get(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<CampaignViewDto> {
    return this.campaigns.get(auth.accountId, id);
  }

  /** Pauses every step's schedule: no new execution until resumed (running ones finish). */
  @Post(':id/pause')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignViewDto })
  pause(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<CampaignViewDto> {
    return this.campaigns.pause(auth.accountId, id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignViewDto })
  resume(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<CampaignViewDto> {
    return this.campaigns.resume(auth.accountId, id);
  }

  /** Runs the step now, unless its previous execution still runs. */
  @Post(':id/steps/:stepId/trigger')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: CampaignTriggerDto })
  trigger(@Auth() auth: AuthContext, @UuidParam() id: string, @TextParam('stepId', 64) stepId: string): Promise<CampaignTriggerDto> {
    return this.campaigns.trigger(auth.accountId, id, stepId);
  }

  /** The executions (each a sendout), newest first, with their counts and paths. */
  @Get(':id/executions')
  @ApiOkResponse({ type: CampaignExecutionPageDto })
  executions(@Auth() auth: AuthContext, @UuidParam() id: string, @Query() query: CampaignPageQuery): Promise<CampaignExecutionPageDto> {
    return this.campaigns.executions(auth.accountId, id, query.before, query.limit);
  }

  /** Deletes the campaign and its schedules; executions already running finish. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'deleted' })
  async delete(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<void> {
    await this.campaigns.delete(auth.accountId, id);
  }
}
