import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { GateState, MessageState } from '@sendgate/domain';
import { MAX_DATA_BYTES, MAX_DATA_ENTRIES } from '../gate-data-entries';

export const MAX_REASON_LENGTH = 400;

export class RejectBodyDto {
  @ApiPropertyOptional({ example: 'no consent', description: `Kept with the message; longer than ${MAX_REASON_LENGTH} characters is cut` })
  @IsOptional()
  @IsString()
  reason?: string;
}

/**
 * The data route's body, for the OpenAPI document: parseGateData reads and checks it, JSON and NDJSON
 * alike, entry by entry (the NDJSON form reaches it as text).
 */
export class GateDataEntryDto {
  @ApiProperty({ example: 'crm-42', description: "The contact's original id (externalId), 1 to 191 characters" })
  id: string;

  @ApiProperty({
    example: { promoCode: 'SPRING-42' },
    type: 'object',
    additionalProperties: true,
    description: `Read by templates as {{ gate.<field> }}; at most ${MAX_DATA_BYTES / 1024} KB as JSON`,
  })
  data: Record<string, unknown>;
}

/** The data route also takes the bare list, or NDJSON: one entry per line. */
export class GateDataItemsDto {
  @ApiProperty({ type: [GateDataEntryDto], maxItems: MAX_DATA_ENTRIES })
  items: GateDataEntryDto[];
}

export class GateFinishedDto {
  @ApiProperty({ enum: [GateState.ACCEPTED] })
  state: GateState;

  @ApiProperty({ example: 180 })
  accepted: number;

  @ApiProperty({ example: 20 })
  rejected: number;
}

export class GateRejectedDto {
  @ApiProperty({ enum: [MessageState.REJECTED] })
  state: MessageState;
}

export class GateDataReceivedDto {
  @ApiProperty({ example: 2, description: 'Entries stored (a repeated id counts once: its last data wins)' })
  received: number;
}
