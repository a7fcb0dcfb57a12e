import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { EspIntegrationEntity } from '@sendgate/database';
import { Auth, AuthContext } from '../auth/auth.guard';
import { CreateIntegrationDto } from './dto/create-integration.dto';
import { IntegrationsService } from './integrations.service';

@ApiTags('integrations')
@ApiBearerAuth()
@Controller('v1/integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Post()
  create(@Auth() auth: AuthContext, @Body() body: CreateIntegrationDto) {
    return this.integrations.create(auth.accountId, body).then(toIntegrationView);
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.integrations.get(auth.accountId, id).then(toIntegrationView);
  }
}

const toIntegrationView = (i: EspIntegrationEntity) => ({
  id: i.id, name: i.name, channel: i.channel, url: i.url, payloadTemplate: i.payloadTemplate,
  status: i.status, createdAt: i.createdAt, updatedAt: i.updatedAt,
});
