import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Channel } from '@sendgate/domain';
import { IsText } from '../../common/field-validators';
import { ValidateOneOf } from '../../common/one-of';
import { FeedbackWebhookAuth, FeedbackWebhookAuthDto } from './feedback-webhook-auth.dto';

export const MAX_EVENTS_PER_REQUEST = 500;
export const EVENTS_PER_REQUEST_DESCRIPTION =
  '1: one event per request, the body being the event. More: the body is a JSON array of up to this many events, ' +
  'each with its own requestId (the JWT jti is then the batch id); a busy receiver gets far fewer requests';

export class FeedbackHeaderDto {
  @ApiProperty({ example: 'X-Api-Key', description: 'An HTTP header name (RFC 9110 token)' })
  @Matches(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, { message: 'must be an HTTP header name' })
  key: string;

  @ApiProperty({ example: 'abc123', maxLength: 4096 })
  @IsString()
  @MaxLength(4_096)
  // Tabs and visible characters only: a line break would start another header.
  @Matches(/^[\t\x20-\x7e\x80-\uffff]*$/, { message: 'must not contain control characters' })
  value: string;

  @ApiPropertyOptional({ default: false, description: 'Encrypt the value before storing it and mask it ever after' })
  @IsOptional()
  @IsBoolean()
  secret?: boolean;
}

export class CreateFeedbackWebhookDto {
  @ApiProperty({ example: 'CRM feedback', maxLength: 200 })
  @IsText(1, 200)
  name: string;

  @ApiProperty({ enum: Channel, isArray: true, example: ['email', 'sms'], description: 'The channels whose messages it reports' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsEnum(Channel, { each: true, message: 'each value must be one of email, sms' })
  channels: Channel[];

  @ApiProperty({ example: 'https://crm.example.com/feedback', maxLength: 2048, description: 'HTTPS unless private networks are allowed' })
  @IsText(1, 2048)
  url: string;

  @ValidateOneOf(FeedbackWebhookAuthDto, {
    description: 'none, or a JWT signed with a shared secret (HS256) or a private key (RS256, ES256)',
    example: { type: 'jwt', algorithm: 'HS256', secret: 'a-shared-secret-of-at-least-32-characters', issuer: 'sendgate' },
  })
  auth: FeedbackWebhookAuth;

  @ApiPropertyOptional({ type: [FeedbackHeaderDto], maxItems: 20 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true }) // ValidateNested alone lets an array through in place of an object
  @ValidateNested({ each: true })
  @Type(() => FeedbackHeaderDto)
  headers?: FeedbackHeaderDto[];

  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: MAX_EVENTS_PER_REQUEST, description: EVENTS_PER_REQUEST_DESCRIPTION })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_EVENTS_PER_REQUEST)
  maxEventsPerRequest?: number;
}
