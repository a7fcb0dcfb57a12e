import { Body, Controller, Get, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ProjectEntity } from '@sendgate/database';
import { Auth, AuthContext } from '../auth/auth.guard';
import { ApiErrorResponses } from '../common/error-body.dto';
import { UuidParam } from '../common/params';
import { CreateProjectDto } from './dto/create-project.dto';
import { ProjectEmailDefaultsDto } from './dto/project-email-defaults.dto';
import { ProjectGateDto } from './dto/project-gate.dto';
import { ProjectViewDto } from './dto/project-view.dto';
import { ProjectsService } from './projects.service';

@ApiTags('projects')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @ApiCreatedResponse({ type: ProjectViewDto })
  create(@Auth() auth: AuthContext, @Body() body: CreateProjectDto): Promise<ProjectViewDto> {
    return this.projects.create(auth.accountId, body.name).then(toProjectView);
  }

  /** The project's send gate actions, e.g. [{id: "check-consent"}, {id: "add-promo-code"}]. */
  @Put(':id/send-gate')
  @ApiOkResponse({ type: ProjectViewDto })
  setGate(@Auth() auth: AuthContext, @UuidParam() id: string, @Body() body: ProjectGateDto): Promise<ProjectViewDto> {
    return this.projects.setGateActions(auth.accountId, id, body.actions).then(toProjectView);
  }

  /** The email API's default integration and gate for sends through this project (an API key may name another integration). */
  @Put(':id/email-defaults')
  @ApiOkResponse({ type: ProjectViewDto })
  setEmailDefaults(@Auth() auth: AuthContext, @UuidParam() id: string, @Body() body: ProjectEmailDefaultsDto): Promise<ProjectViewDto> {
    return this.projects.setEmailDefaults(auth.accountId, id, body).then(toProjectView);
  }

  @Get(':id')
  @ApiOkResponse({ type: ProjectViewDto })
  get(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<ProjectViewDto> {
    return this.projects.get(auth.accountId, id).then(toProjectView);
  }
}

const toProjectView = (p: ProjectEntity): ProjectViewDto => ({
  id: p.id,
  name: p.name,
  sendGate: { actions: p.gateActions ?? [] },
  emailDefaults: p.emailDefaults ?? null,
  createdAt: p.createdAt,
});
