import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsObject } from 'class-validator';
import type { GateAction } from '@sendgate/domain';

export class ProjectGateDto {
  @ApiProperty({
    description: 'Opaque objects with an id, sent to the integrator with every gate webhook',
    example: [{ id: 'check-consent' }, { id: 'add-promo-code', campaign: 'spring' }],
  })
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  actions: GateAction[];
}
