import { ApiProperty } from '@nestjs/swagger';

export class SandboxAcceptedDto {
  @ApiProperty({ example: 'sandbox-0b7c…:crm-42' })
  messageId: string;

  @ApiProperty({ enum: ['ACCEPTED'] })
  status: string;
}

export class SandboxMessageDto {
  @ApiProperty({ example: 17 })
  id: number;

  @ApiProperty({ example: '0b7c…:crm-42' })
  idempotencyKey: string;

  @ApiProperty({ type: String, nullable: true, description: 'The body\'s "to", when it is a string' })
  to: string | null;

  @ApiProperty({ description: 'The JSON body as received', type: 'object', additionalProperties: true })
  payload: unknown;

  @ApiProperty()
  receivedAt: Date;
}

export class SandboxMessagesPageDto {
  @ApiProperty({ type: [SandboxMessageDto] })
  messages: SandboxMessageDto[];

  @ApiProperty({ type: Number, nullable: true, description: 'Pass as `before` for the next (older) page; null on the last one' })
  next: number | null;
}
