import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ProjectsModule } from '../projects/projects.module';
import { SegmentsModule } from '../segments/segments.module';
import { JourneyRunsService } from './journey-runs.service';
import { JourneysController } from './journeys.controller';
import { JourneysService } from './journeys.service';

@Module({
  imports: [ProjectsModule, SegmentsModule, IntegrationsModule],
  controllers: [JourneysController],
  providers: [JourneysService, JourneyRunsService],
  exports: [JourneysService],
})
export class JourneysModule {}
