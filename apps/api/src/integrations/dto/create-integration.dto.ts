import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Channel } from '@sendgate/domain';
import { IDENTIFIER_TYPES, IdentifierType } from '@sendgate/esp';
import { IsText } from '../../common/field-validators';
import { FeedbackMappingDto } from './feedback-mapping.dto';

export class HeaderDto {
  @ApiProperty({ example: 'X-Api-Key' })
  @Matches(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, { message: 'must be an HTTP header name' })
  key: string;

  @ApiProperty({ example: 'abc123' })
  @IsString()
  @MaxLength(4_096)
  value: string;

  @ApiPropertyOptional({ default: false, description: 'Encrypt the value before storing it and mask it ever after' })
  @IsOptional()
  @IsBoolean()
  secret?: boolean;
}

export class CreateIntegrationDto {
  @ApiProperty({ example: 'Sandbox ESP' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: Channel, example: Channel.EMAIL })
  @IsEnum(Channel)
  channel: Channel;

  @ApiProperty({ example: 'http://127.0.0.1:3000/sandbox/esp/messages' })
  @IsString()
  @Length(1, 2048)
  url: string;

  @ApiPropertyOptional({ type: [HeaderDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true }) // ValidateNested alone lets an array through in place of an object
  @ValidateNested({ each: true })
  @Type(() => HeaderDto)
  headers?: HeaderDto[];

  @ApiPropertyOptional({ enum: IDENTIFIER_TYPES, description: 'What ${userIdentifier} holds; default email (sms: phone)' })
  @IsOptional()
  @IsIn(IDENTIFIER_TYPES)
  identifierType?: IdentifierType;

  @ApiProperty({
    description:
      'JSON with ${variable} placeholders: userIdentifier, email, phone, subject, html, text, sendoutId, messageId, ' +
      'idempotencyKey, contactId, externalId, contact.<attribute>, gate.<field>. ' +
      'Sent as a string of JSON or as the JSON object itself; stored, and answered, as the string.',
    oneOf: [
      { type: 'string', maxLength: 100_000 },
      { type: 'object', additionalProperties: true },
    ],
    example: { to: '${email}', subject: '${subject}', html: '${html}', text: '${text}' },
  })
  // The raw value (`obj`): class-transformer's own copy of an object would drop keys such as "toString".
  @Transform(({ obj }) => (isJsonObject(obj.payloadTemplate) ? JSON.stringify(obj.payloadTemplate) : obj.payloadTemplate))
  @IsText(0, 100_000, { message: 'must be a string of JSON (at most 100,000 characters) or a JSON object' })
  payloadTemplate: string;

  @ApiPropertyOptional({
    example: 100,
    description: 'At most this many messages per second to this ESP, across all workers (null: no limit)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  rateLimitPerSecond?: number | null;

  @ApiPropertyOptional({ example: 'messages[0].messageId', description: "Where the ESP's message id is in its JSON answer" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  messageIdPath?: string;

  @ApiPropertyOptional({
    type: FeedbackMappingDto,
    nullable: true,
    description: "How the ESP's delivery callbacks (posted to the integration's callbackUrl) read; null (PATCH) removes it",
    example: { preset: 'sandbox' },
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => FeedbackMappingDto)
  feedbackMapping?: FeedbackMappingDto | null;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
