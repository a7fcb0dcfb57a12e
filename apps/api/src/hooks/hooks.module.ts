import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { EspCallbacksController } from './esp-callbacks.controller';
import { EspCallbacksService } from './esp-callbacks.service';
import { EspEventsApplier } from './esp-events.applier';

/** Inbound delivery callbacks from the ESPs, and the pass that applies those that had to wait. */
@Module({ imports: [IntegrationsModule], controllers: [EspCallbacksController], providers: [EspCallbacksService, EspEventsApplier] })
export class HooksModule {}
