import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

/** Which project, and optionally which email integration, `POST /email/3/send` with this key sends through. */
export class KeyEmailDefaultsDto {
  @ApiProperty({ format: 'uuid', description: 'The project the email API sends through with this key' })
  @IsUUID()
  projectId: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "An email integration of the account; without it the project's default integration (PUT /v1/projects/:id/email-defaults)",
  })
  @IsOptional()
  @IsUUID()
  integrationId?: string;
}
