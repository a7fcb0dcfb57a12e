import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';

export class TestIntegrationDto {
  @ApiPropertyOptional({ description: 'Send this JSON as it is instead of rendering the payload template' })
  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Values for the template variables (the rest get samples)',
    example: { email: 'me@example.com', 'contact.firstName': 'Ada' },
  })
  @IsOptional()
  @IsObject()
  variables?: Record<string, unknown>;
}
