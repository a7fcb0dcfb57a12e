import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';
import { CreateIntegrationDto } from './create-integration.dto';

/**
 * Step-one fields, all optional; a secret header sent back as "********" keeps its stored value
 * while the URL keeps its origin. Moving to another origin takes every secret sent again.
 */
export class UpdateIntegrationDto extends PartialType(OmitType(CreateIntegrationDto, ['channel'] as const)) {
  @ApiPropertyOptional({
    description: 'The authentication, as PUT /v1/integrations/:id/auth takes it; required (basic, oauth2) when the url moves to another origin',
    example: { type: 'basic', username: 'acme', password: 'secret' },
  })
  @IsOptional()
  @IsObject()
  auth?: Record<string, unknown>;
}
