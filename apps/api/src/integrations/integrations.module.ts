import { Module } from '@nestjs/common';
import { CallbackUrls } from './callback-urls';
import { IntegrationAuthService } from './integration-auth.service';
import { IntegrationCallbacksService } from './integration-callbacks.service';
import { IntegrationsController } from './integrations.controller';
import { IntegrationsService } from './integrations.service';

@Module({
  controllers: [IntegrationsController],
  providers: [IntegrationsService, IntegrationAuthService, IntegrationCallbacksService, CallbackUrls],
  exports: [IntegrationsService, CallbackUrls],
})
export class IntegrationsModule {}
