import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ProjectsModule } from '../projects/projects.module';
import { SegmentsModule } from '../segments/segments.module';
import { SendoutsController } from './sendouts.controller';
import { SendoutsService } from './sendouts.service';
import { UnstartedSendoutsReconciler } from './unstarted-sendouts.reconciler';
import { SendoutStarts } from './workflow-starts';

@Module({
  imports: [ProjectsModule, SegmentsModule, IntegrationsModule],
  controllers: [SendoutsController],
  providers: [SendoutsService, UnstartedSendoutsReconciler, SendoutStarts],
  exports: [SendoutsService, SendoutStarts],
})
export class SendoutsModule {}
