import { ApiProperty } from '@nestjs/swagger';

export class EspCallbackAnswerDto {
  @ApiProperty({ example: 100, description: 'Events read from the body' })
  received: number;

  @ApiProperty({ example: 0, description: 'Of them, events received before (the same event twice is stored once)' })
  duplicates: number;
}
