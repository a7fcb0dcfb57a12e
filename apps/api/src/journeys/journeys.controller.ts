import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { BodyLimit, MB } from '../common/body-limits';
import { ApiErrorResponses } from '../common/error-body.dto';
import { SerialParam, UuidParam } from '../common/params';
import {
  CreateJourneyDto,
  JourneyRunPageDto,
  JourneyRunViewDto,
  JourneyVersionPageDto,
  JourneyViewDto,
  ListRunsQuery,
  ListVersionsQuery,
  StartJourneyRunDto,
  UpdateJourneyDto,
} from './dto/journey.dto';
import { JourneyRunsService } from './journey-runs.service';
import { JourneysService } from './journeys.service';

/** A journey definition's body: up to 100 steps, each message's content included. */
const JOURNEY_BODY_LIMIT = MB;

@ApiTags('journeys')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('v1/journeys')
export class JourneysController {
  constructor(
    private readonly journeys: JourneysService,
    private readonly runs: JourneyRunsService,
  ) {}

  /** Stores a journey at version 1, once its steps are valid as a graph (400 errors name the step and the field). */
  @Post()
  @BodyLimit(JOURNEY_BODY_LIMIT)
  @ApiCreatedResponse({ type: JourneyViewDto })
  create(@Auth() auth: AuthContext, @Body() body: CreateJourneyDto): Promise<JourneyViewDto> {
    return this.journeys.create(auth.accountId, body);
  }

  /** Publishes a new version, which becomes the current one; earlier versions stay readable. */
  @Put(':id')
  @BodyLimit(JOURNEY_BODY_LIMIT)
  @ApiOkResponse({ type: JourneyViewDto })
  update(@Auth() auth: AuthContext, @UuidParam() id: string, @Body() body: UpdateJourneyDto): Promise<JourneyViewDto> {
    return this.journeys.update(auth.accountId, id, body);
  }

  /** The journey at its current version. */
  @Get(':id')
  @ApiOkResponse({ type: JourneyViewDto })
  get(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<JourneyViewDto> {
    return this.journeys.get(auth.accountId, id);
  }

  @Get(':id/versions')
  @ApiOkResponse({ type: JourneyVersionPageDto })
  versions(@Auth() auth: AuthContext, @UuidParam() id: string, @Query() query: ListVersionsQuery): Promise<JourneyVersionPageDto> {
    return this.journeys.versions(auth.accountId, id, query.before, query.limit);
  }

  @Get(':id/versions/:version')
  @ApiOkResponse({ type: JourneyViewDto })
  version(@Auth() auth: AuthContext, @UuidParam() id: string, @SerialParam('version') version: number): Promise<JourneyViewDto> {
    return this.journeys.get(auth.accountId, id, version);
  }

  /** Deletes the journey (its versions stay for the runs that use them). */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'deleted' })
  async delete(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<void> {
    await this.journeys.delete(auth.accountId, id);
  }

  /**
   * Starts a run of the journey's current version for a segment (as it is now) or a list of
   * contacts: a workflow walks the steps, one sendout per message step reached, each path going on
   * with the contacts the step put on it. 202: it runs in the background (GET the run).
   */
  @Post(':id/runs')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: JourneyRunViewDto })
  startRun(@Auth() auth: AuthContext, @UuidParam() id: string, @Body() body: StartJourneyRunDto): Promise<JourneyRunViewDto> {
    return this.runs.start(auth.accountId, id, body);
  }

  @Get(':id/runs')
  @ApiOkResponse({ type: JourneyRunPageDto })
  listRuns(@Auth() auth: AuthContext, @UuidParam() id: string, @Query() query: ListRunsQuery): Promise<JourneyRunPageDto> {
    return this.runs.list(auth.accountId, id, query.before, query.limit);
  }

  /** The run: every step of its version, with counts per message state and per path for message steps. */
  @Get(':id/runs/:run')
  @ApiOkResponse({ type: JourneyRunViewDto })
  getRun(@Auth() auth: AuthContext, @UuidParam() id: string, @SerialParam('run') run: number): Promise<JourneyRunViewDto> {
    return this.runs.get(auth.accountId, id, run);
  }

  /** Cancels the run and its sendouts in progress; 409 when it has already ended. */
  @Post(':id/runs/:run/cancel')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: JourneyRunViewDto })
  cancelRun(@Auth() auth: AuthContext, @UuidParam() id: string, @SerialParam('run') run: number): Promise<JourneyRunViewDto> {
    return this.runs.cancel(auth.accountId, id, run);
  }
}
