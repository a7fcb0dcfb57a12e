import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Channel, MAX_SUPPRESSION_SOURCE, SUPPRESSION_REASONS, SuppressionReason } from '@sendgate/domain';
import { IsText } from '../../common/field-validators';

export const CHANNELS = Object.values(Channel);
const ADDRESS_DESCRIPTION =
  'An email address (matched and stored trimmed and lower-cased) or, for sms, a phone number in E.164 (stored with its +)';
/** An address as sent, before normalising: the longest email (320 characters) with room for surrounding spaces. */
export const MAX_ADDRESS_INPUT = 400;

export class CreateSuppressionDto {
  @ApiProperty({ enum: CHANNELS, example: 'email' })
  @IsIn(CHANNELS, { message: `must be one of ${CHANNELS.join(', ')}` })
  channel: Channel;

  @ApiProperty({ example: 'ada@example.com', maxLength: MAX_ADDRESS_INPUT, description: ADDRESS_DESCRIPTION })
  @IsText(1, MAX_ADDRESS_INPUT)
  address: string;

  @ApiPropertyOptional({ enum: SUPPRESSION_REASONS, default: 'manual' })
  @IsOptional()
  @IsIn(SUPPRESSION_REASONS, { message: `must be one of ${SUPPRESSION_REASONS.join(', ')}` })
  reason?: SuppressionReason;

  @ApiPropertyOptional({ maxLength: MAX_SUPPRESSION_SOURCE, example: 'support ticket 4711', description: 'Who or what added it' })
  @IsOptional()
  @IsText(1, MAX_SUPPRESSION_SOURCE)
  source?: string;
}

export class SuppressionDto {
  @ApiProperty({ enum: CHANNELS })
  channel: Channel;

  @ApiProperty({ example: 'ada@example.com', description: 'As stored: normalised' })
  address: string;

  @ApiProperty({ enum: SUPPRESSION_REASONS, description: 'Why it was first suppressed' })
  reason: SuppressionReason;

  @ApiProperty({ type: String, nullable: true, description: "A bounce's message, an unsubscribe link's sendout, an operator's note" })
  source: string | null;

  @ApiProperty()
  createdAt: Date;
}

export class ListSuppressionsQuery {
  @ApiPropertyOptional({ enum: CHANNELS })
  @IsOptional()
  @IsIn(CHANNELS, { message: `must be one of ${CHANNELS.join(', ')}` })
  channel?: Channel;

  @ApiPropertyOptional({ enum: SUPPRESSION_REASONS })
  @IsOptional()
  @IsIn(SUPPRESSION_REASONS, { message: `must be one of ${SUPPRESSION_REASONS.join(', ')}` })
  reason?: SuppressionReason;

  @ApiPropertyOptional({ description: 'The `next` of the previous page: entries added after it' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class SuppressionsPageDto {
  @ApiProperty({ type: [SuppressionDto], description: 'Oldest first' })
  results: SuppressionDto[];

  @ApiProperty({ type: Number, nullable: true, description: 'Pass as `after` for the next page; null on the last one' })
  next: number | null;
}

export class ImportSuppressionsQuery {
  @ApiPropertyOptional({ enum: CHANNELS, description: 'The channel of the lines that do not name one (then every line must)' })
  @IsOptional()
  @IsIn(CHANNELS, { message: `must be one of ${CHANNELS.join(', ')}` })
  channel?: Channel;

  @ApiPropertyOptional({ enum: SUPPRESSION_REASONS, default: 'manual', description: 'The reason of the lines that do not give one' })
  @IsOptional()
  @IsIn(SUPPRESSION_REASONS, { message: `must be one of ${SUPPRESSION_REASONS.join(', ')}` })
  reason?: SuppressionReason;

  @ApiPropertyOptional({ maxLength: MAX_SUPPRESSION_SOURCE, description: 'The source of the lines that do not give one' })
  @IsOptional()
  @IsText(1, MAX_SUPPRESSION_SOURCE)
  source?: string;
}

export class ImportLineErrorDto {
  @ApiProperty({ example: 3, description: 'The line of the body, from 1 (blank lines and the CSV header counted)' })
  line: number;

  @ApiProperty({ example: 'address', description: 'address, channel, reason, source, or (line) for the line as a whole' })
  field: string;

  @ApiProperty({ example: 'must be an email address such as ada@example.com' })
  message: string;
}

export class ImportSuppressionsAnswerDto {
  @ApiProperty({ example: 1_000, description: 'Lines read (blank lines not counted)' })
  received: number;

  @ApiProperty({ example: 990, description: 'Entries new to the list' })
  added: number;

  @ApiProperty({
    example: 7,
    description: 'Valid lines whose address was on the list already (or earlier in the body): the first entry is kept',
  })
  alreadySuppressed: number;

  @ApiProperty({ example: 3, description: 'Lines skipped as invalid' })
  invalid: number;

  @ApiProperty({ type: [ImportLineErrorDto], description: 'The problems of the invalid lines, the first 100' })
  errors: ImportLineErrorDto[];
}
