import { ApiProperty } from '@nestjs/swagger';
import type { GateAction } from '@sendgate/domain';

export class ProjectGateViewDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, example: [{ id: 'check-consent' }] })
  actions: GateAction[];
}

export class ProjectViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Newsletters' })
  name: string;

  @ApiProperty({ type: ProjectGateViewDto })
  sendGate: ProjectGateViewDto;

  @ApiProperty()
  createdAt: Date;
}
