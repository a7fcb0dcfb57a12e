import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ProjectsModule } from '../projects/projects.module';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';

@Module({ imports: [ProjectsModule, IntegrationsModule], controllers: [ApiKeysController], providers: [ApiKeysService] })
export class ApiKeysModule {}
