import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { FeedbackEvent } from '@sendgate/domain';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export class ListFeedbackDeliveriesQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;

  @ApiPropertyOptional({ description: 'The `next` of the previous page: deliveries older than it' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class FeedbackDeliveryDto {
  @ApiProperty({ example: 4711 })
  id: number;

  @ApiProperty({ description: "The event's requestId: the same on every attempt, a redelivery included" })
  requestId: string;

  @ApiProperty({ example: 42 })
  messageId: number;

  @ApiProperty({ format: 'uuid' })
  sendoutId: string;

  @ApiProperty({ enum: FeedbackEvent })
  event: FeedbackEvent;

  @ApiProperty({ enum: DELIVERY_STATUSES })
  status: DeliveryStatus;

  @ApiProperty({ example: 3 })
  attempts: number;

  @ApiProperty({ type: Number, nullable: true, description: "The receiver's status at the last attempt" })
  lastStatusCode: number | null;

  @ApiProperty({ type: String, nullable: true })
  lastError: string | null;

  @ApiProperty({ description: 'When a pending delivery is next tried' })
  nextAttemptAt: Date;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  deliveredAt: Date | null;
}

export class FeedbackDeliveriesPageDto {
  @ApiProperty({ type: [FeedbackDeliveryDto] })
  deliveries: FeedbackDeliveryDto[];

  @ApiProperty({ type: Number, nullable: true, description: 'Pass as `after` for the next (older) page; null on the last one' })
  next: number | null;
}
