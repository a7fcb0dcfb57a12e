import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ESP_EVENT_STATES, EspEventState } from '@sendgate/database';

export class ListCallbackEventsQuery {
  @ApiPropertyOptional({ enum: ESP_EVENT_STATES })
  @IsOptional()
  @IsIn(ESP_EVENT_STATES)
  state?: EspEventState;

  @ApiPropertyOptional({ description: 'The `next` of the previous page: events after it' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class CallbackEventDto {
  @ApiProperty({ example: 17 })
  id: number;

  @ApiProperty({ type: String, nullable: true })
  espMessageId: string | null;

  @ApiProperty({ type: String, nullable: true })
  idempotencyKey: string | null;

  @ApiProperty({ enum: ['delivered', 'bounce', 'error', 'unmapped'] })
  status: string;

  @ApiProperty({ type: String, nullable: true, description: "The ESP's own status value" })
  espStatus: string | null;

  @ApiProperty({ type: String, nullable: true })
  failureType: string | null;

  @ApiProperty({ type: String, nullable: true })
  failureCode: string | null;

  @ApiProperty({ type: String, nullable: true })
  failureReason: string | null;

  @ApiProperty({
    enum: ESP_EVENT_STATES,
    description: 'PENDING (its message is not sent yet, or not known yet), APPLIED, UNMATCHED (no message within the window), IGNORED',
  })
  state: EspEventState;

  @ApiProperty({ type: Number, nullable: true, description: 'The Sendgate message it matched' })
  messageId: number | null;

  @ApiProperty()
  receivedAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  appliedAt: Date | null;
}

export class CallbackEventsPageDto {
  @ApiProperty({ type: [CallbackEventDto] })
  events: CallbackEventDto[];

  @ApiProperty({ type: Number, nullable: true, description: 'Pass as `after` for the next page; null on the last one' })
  next: number | null;
}

export class CallbackUrlDto {
  @ApiProperty({ example: 'https://sendgate.example.com/hooks/esp/eyJwIjoi…', description: 'Where the ESP posts its delivery callbacks' })
  callbackUrl: string;
}
