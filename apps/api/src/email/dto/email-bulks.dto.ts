import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsText } from '../../common/field-validators';

/** `?bulkId=` of the bulk endpoints. */
export class BulkIdQuery {
  @ApiProperty({ description: 'The bulkId the send answered (or the client gave)', maxLength: 100 })
  @IsText(1, 100)
  bulkId: string;
}

export class RescheduleBulkDto {
  @ApiProperty({
    example: '2026-11-25T08:30:00.000+0000',
    description: "yyyy-MM-dd'T'HH:mm:ss.SSS+0000 or ISO 8601 with a zone; in the future, at most 30 days ahead",
  })
  @IsText(1, 40)
  sendAt: string;
}

export const SETTABLE_BULK_STATUSES = ['PAUSED', 'PROCESSING', 'CANCELED'] as const;
export type SettableBulkStatus = (typeof SETTABLE_BULK_STATUSES)[number];

export class UpdateBulkStatusDto {
  @ApiProperty({ enum: SETTABLE_BULK_STATUSES, description: 'PAUSED holds the bulk, PROCESSING resumes it, CANCELED cancels it' })
  @IsIn(SETTABLE_BULK_STATUSES)
  status: SettableBulkStatus;
}

export class BulkScheduleDto {
  @ApiProperty()
  bulkId: string;

  @ApiProperty({ example: '2026-11-25T08:30:00.000+0000', description: 'When it sends (or was accepted, when it had no sendAt)' })
  sendAt: string;
}

export class BulkScheduleInfoDto {
  @ApiProperty()
  externalBulkId: string;

  @ApiProperty({ type: [BulkScheduleDto] })
  bulks: BulkScheduleDto[];
}

export class BulkStatusDto {
  @ApiProperty()
  bulkId: string;

  @ApiProperty({ enum: ['PENDING', 'PAUSED', 'PROCESSING', 'CANCELED', 'FINISHED', 'FAILED'] })
  status: string;
}

export class BulkStatusInfoDto {
  @ApiProperty()
  externalBulkId: string;

  @ApiProperty({ type: [BulkStatusDto] })
  bulks: BulkStatusDto[];
}
