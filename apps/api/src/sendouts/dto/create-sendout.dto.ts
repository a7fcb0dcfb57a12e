import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MAX_GATE_TIMEOUT_MS, type GateAction } from '@sendgate/domain';
import { ExactlyOneOf, IsDuration, IsStorableTime, IsUuidIfGiven } from '../../common/field-validators';

export const MAX_CONTACT_IDS = 10_000;

export class SendoutContentDto {
  @ApiPropertyOptional({ example: 'Hello {{ contact.firstName }}' })
  @IsOptional()
  @IsString()
  @MaxLength(998)
  subject?: string;

  @ApiPropertyOptional({ example: '<p>Hi {{ contact.firstName }}</p>' })
  @IsOptional()
  @IsString()
  @MaxLength(1_000_000)
  html?: string;

  @ApiPropertyOptional({ example: 'Hi {{ contact.firstName }}' })
  @IsOptional()
  @IsString()
  @MaxLength(1_000_000)
  text?: string;
}

export class SendoutGateDto {
  @ApiProperty({ description: 'Hold the messages until the integrator accepts (or the timeout passes)' })
  @IsBoolean()
  enabled: boolean;

  @ApiPropertyOptional({
    description: 'Seconds, or "90s", "15m", "1h", "2d" (at most 30 days). Journey mode: per step (default 1h). Campaign mode: always 1h.',
    oneOf: [{ type: 'number', minimum: 0 }, { type: 'string' }],
    example: '15m',
  })
  @ValidateIf((o: SendoutGateDto) => o.timeout !== undefined) // null is no duration
  @IsDuration(MAX_GATE_TIMEOUT_MS, 'must be a duration: seconds, or "90s", "15m", "1h", "2d" (at most 30 days)')
  timeout?: number | string;

  @ApiPropertyOptional({ description: 'Report accepted / rejected / timed-out contacts as three paths', default: false })
  @IsOptional()
  @IsBoolean()
  split?: boolean;

  @ApiPropertyOptional({
    description: "This sendout's own actions, added after the project's",
    example: [{ id: 'add-promo-code', campaign: 'spring' }],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  actions?: GateAction[];
}

export const MAX_FEEDBACK_WEBHOOKS = 100;

/** Which feedback webhooks receive the sendout's message status changes: listed ones, or all of its channel. */
export class SendoutFeedbackDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: "Feedback webhooks of the account for the sendout's channel (exactly one of webhookIds and allWebhooks)",
  })
  @ExactlyOneOf(['webhookIds', 'allWebhooks'])
  @ValidateIf((o: SendoutFeedbackDto) => o.webhookIds !== undefined && o.webhookIds !== null)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_FEEDBACK_WEBHOOKS)
  @IsUUID(undefined, { each: true })
  webhookIds?: string[];

  @ApiPropertyOptional({
    enum: [true],
    description: "Every feedback webhook of the account for the sendout's channel, as they are when the sendout is created",
  })
  @IsOptional()
  @IsIn([true])
  allWebhooks?: true;
}

export class CreateSendoutDto {
  @ApiProperty()
  @IsUUID()
  projectId: string;

  @ApiProperty({ example: 'Spring newsletter' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({
    enum: ['batch', 'single'],
    default: 'batch',
    description: 'batch: a segment or list, the gate gets an item download; single: a few contacts, listed in the webhook',
  })
  @IsOptional()
  @IsIn(['batch', 'single'])
  kind?: 'batch' | 'single';

  @ApiPropertyOptional({ enum: ['journey', 'campaign'], default: 'journey' })
  @IsOptional()
  @IsIn(['journey', 'campaign'])
  mode?: 'journey' | 'campaign';

  @ApiPropertyOptional({ example: 'Welcome journey' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  journeyName?: string;

  @ApiPropertyOptional({ type: SendoutGateDto })
  @IsOptional()
  @IsObject() // ValidateNested alone lets an array through in place of an object
  @ValidateNested()
  @Type(() => SendoutGateDto)
  gate?: SendoutGateDto;

  @ApiPropertyOptional({
    description: 'Send accepted messages at this time (ISO 8601); at once when absent or past',
    example: '2026-12-01T09:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsStorableTime()
  sendAt?: string;

  @ApiPropertyOptional({ description: 'Send to a segment, or… (exactly one of segmentId and contactIds)', format: 'uuid' })
  @ExactlyOneOf(['segmentId', 'contactIds']) // so not IsOptional, which would skip this rule with the segmentId left out
  @IsUuidIfGiven()
  segmentId?: string;

  @ApiPropertyOptional({ description: '…to these contacts, by externalId (at most 10,000)', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CONTACT_IDS)
  @IsString({ each: true })
  @Length(1, 191, { each: true })
  contactIds?: string[];

  @ApiProperty()
  @IsUUID()
  integrationId: string;

  @ApiProperty({ type: SendoutContentDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SendoutContentDto)
  content: SendoutContentDto;

  @ApiPropertyOptional({ type: SendoutFeedbackDto, description: 'Report every message status change to feedback webhooks' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SendoutFeedbackDto)
  feedback?: SendoutFeedbackDto;
}
