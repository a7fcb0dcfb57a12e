import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, IsUUID, ValidateIf, ValidateNested } from 'class-validator';
import { MAX_GATE_TIMEOUT_MS } from '@sendgate/domain';
import { IsDuration } from '../../common/field-validators';

export class EmailGateDefaultsDto {
  @ApiProperty({ description: 'Hold each email API request at the send gate until the integrator accepts (or the timeout passes)' })
  @IsBoolean()
  enabled: boolean;

  @ApiPropertyOptional({
    description: 'Seconds, or "90s", "15m", "1h", "2d" (at most 30 days); default 1h',
    oneOf: [{ type: 'number', minimum: 0 }, { type: 'string' }],
    example: '15m',
  })
  @ValidateIf((o: EmailGateDefaultsDto) => o.timeout !== undefined)
  @IsDuration(MAX_GATE_TIMEOUT_MS, 'must be a duration: seconds, or "90s", "15m", "1h", "2d" (at most 30 days)')
  timeout?: number | string;
}

/** The project's defaults for the email API: the integration it sends through, and its gate. */
export class ProjectEmailDefaultsDto {
  @ApiProperty({ format: 'uuid', description: 'An email integration of the account' })
  @IsUUID()
  integrationId: string;

  @ApiPropertyOptional({ type: EmailGateDefaultsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EmailGateDefaultsDto)
  gate?: EmailGateDefaultsDto;
}

export class EmailGateDefaultsViewDto {
  @ApiProperty()
  enabled: boolean;

  @ApiPropertyOptional()
  timeoutMs?: number;
}

export class ProjectEmailDefaultsViewDto {
  @ApiProperty({ format: 'uuid' })
  integrationId: string;

  @ApiPropertyOptional({ type: EmailGateDefaultsViewDto })
  gate?: EmailGateDefaultsViewDto;
}
