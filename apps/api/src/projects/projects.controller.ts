import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { CreateProjectDto } from './dto/create-project.dto';
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

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.projects.get(auth.accountId, id).then(toProjectView);
  }
}

const toProjectView = (p: { id: string; name: string; createdAt: Date }) => ({ id: p.id, name: p.name, createdAt: p.createdAt });
