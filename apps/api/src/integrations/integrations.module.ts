import { Module } from '@nestjs/common';
import { IntegrationAuthService } from './integration-auth.service';
import { IntegrationsController } from './integrations.controller';
import { IntegrationsService } from './integrations.service';

@Module({ controllers: [IntegrationsController], providers: [IntegrationsService, IntegrationAuthService], exports: [IntegrationsService] })
export class IntegrationsModule {}
