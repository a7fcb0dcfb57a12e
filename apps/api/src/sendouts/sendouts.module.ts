import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ProjectsModule } from '../projects/projects.module';
import { SegmentsModule } from '../segments/segments.module';
import { SendoutsController } from './sendouts.controller';
import { SendoutsService } from './sendouts.service';

@Module({ imports: [ProjectsModule, SegmentsModule, IntegrationsModule], controllers: [SendoutsController], providers: [SendoutsService] })
export class SendoutsModule {}
