import { Body, Controller, Get, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ProjectEntity } from '@sendgate/database';
import { Auth, AuthContext } from '../auth/auth.guard';
import { UuidParam } from '../common/params';
import { CreateProjectDto } from './dto/create-project.dto';
import { ProjectGateDto } from './dto/project-gate.dto';
import { ProjectsService } from './projects.service';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  create(@Auth() auth: AuthContext, @Body() body: CreateProjectDto) {
    return this.projects.create(auth.accountId, body.name).then(toProjectView);
  }

  /** The project's send gate actions, e.g. [{id: "check-consent"}, {id: "add-promo-code"}]. */
  @Put(':id/send-gate')
  setGate(@Auth() auth: AuthContext, @UuidParam() id: string, @Body() body: ProjectGateDto) {
    return this.projects.setGateActions(auth.accountId, id, body.actions).then(toProjectView);
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @UuidParam() id: string) {
    return this.projects.get(auth.accountId, id).then(toProjectView);
  }
}

const toProjectView = (p: ProjectEntity) => ({ id: p.id, name: p.name, sendGate: { actions: p.gateActions ?? [] }, createdAt: p.createdAt });
