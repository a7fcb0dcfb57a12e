import { OmitType, PartialType } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';
import { ValidateOneOf } from '../../common/one-of';
import { CreateIntegrationDto } from './create-integration.dto';
import { IntegrationAuth, IntegrationAuthDto } from './integration-auth.dto';

/**
 * Step-one fields, all optional; a secret header sent back as "********" keeps its stored value
 * while the URL keeps its origin. Moving to another origin takes every secret sent again.
 */
export class UpdateIntegrationDto extends PartialType(OmitType(CreateIntegrationDto, ['channel'] as const), {
  skipNullProperties: false, // null is not "no change" for a required field: refused, not written to a NOT NULL column
}) {
  @ValidateIf((o: UpdateIntegrationDto) => o.auth !== undefined) // null is not "no change": it is refused
  @ValidateOneOf(IntegrationAuthDto, {
    required: false,
    description:
      'The authentication, as PUT /v1/integrations/:id/auth takes it; required (basic, oauth2) when the url moves to another origin',
    example: { type: 'basic', username: 'acme', password: 'secret' },
  })
  auth?: IntegrationAuth;
}
