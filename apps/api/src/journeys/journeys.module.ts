import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { JourneysController } from './journeys.controller';
import { JourneysService } from './journeys.service';

@Module({ imports: [ProjectsModule], controllers: [JourneysController], providers: [JourneysService], exports: [JourneysService] })
export class JourneysModule {}
