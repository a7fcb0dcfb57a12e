import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsInt,
  IsObject,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Channel } from '@sendgate/domain';
import { IsText } from '../../common/field-validators';
import { ValidateOneOf } from '../../common/one-of';
import { EVENTS_PER_REQUEST_DESCRIPTION, FeedbackHeaderDto, MAX_EVENTS_PER_REQUEST } from './create-feedback-webhook.dto';
import { FeedbackWebhookAuth, FeedbackWebhookAuthDto } from './feedback-webhook-auth.dto';

/** Given only when sent: null is not "no change", it is refused like any other wrong value. */
const sent = (field: keyof UpdateFeedbackWebhookDto) => ValidateIf((o: UpdateFeedbackWebhookDto) => o[field] !== undefined);

/**
 * Any of the fields, each replacing the stored one whole. A secret (header value, JWT secret or
 * private key) sent back as "********" keeps its stored value while the URL keeps its origin; a
 * move to another origin takes every secret sent again.
 */
export class UpdateFeedbackWebhookDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @sent('name')
  @IsText(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: Channel, isArray: true })
  @sent('channels')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsEnum(Channel, { each: true, message: 'each value must be one of email, sms' })
  channels?: Channel[];

  @ApiPropertyOptional({ maxLength: 2048 })
  @sent('url')
  @IsText(1, 2048)
  url?: string;

  @sent('auth')
  @ValidateOneOf(FeedbackWebhookAuthDto, {
    required: false,
    description: 'The authentication whole; required when the url moves to another origin and a JWT is set',
  })
  auth?: FeedbackWebhookAuth;

  @ApiPropertyOptional({ type: [FeedbackHeaderDto], maxItems: 20, description: 'Every header: the list replaces the stored one' })
  @sent('headers')
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => FeedbackHeaderDto)
  headers?: FeedbackHeaderDto[];

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_EVENTS_PER_REQUEST, description: EVENTS_PER_REQUEST_DESCRIPTION })
  @sent('maxEventsPerRequest')
  @IsInt()
  @Min(1)
  @Max(MAX_EVENTS_PER_REQUEST)
  maxEventsPerRequest?: number;
}
