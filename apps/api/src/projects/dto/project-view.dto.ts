import { ApiProperty } from '@nestjs/swagger';
import type { GateAction } from '@sendgate/domain';
import { ProjectEmailDefaultsViewDto } from './project-email-defaults.dto';

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

  @ApiProperty({
    type: ProjectEmailDefaultsViewDto,
    nullable: true,
    description: "The email API's defaults (PUT /v1/projects/:id/email-defaults)",
  })
  emailDefaults: ProjectEmailDefaultsViewDto | null;

  @ApiProperty()
  createdAt: Date;
}
