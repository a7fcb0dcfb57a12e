import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, ValidateBy, ValidateNested } from 'class-validator';
import { FEEDBACK_PRESETS, FeedbackPreset, MAPPED_STATUSES, MappedStatus } from '@sendgate/esp';
import { ExactlyOneOf, IsText } from '../../common/field-validators';

const PATH_DOC = 'A dotted path such as status.groupName; [] steps into every element of an array, [n] into one';
const MAX_STATUSES = 100;

/** A table from the ESP's status values to delivered, bounce or error; statuses it lacks are kept and ignored. */
function IsStatusTable(): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStatusTable',
      validator: {
        validate: (value) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length >= 1 &&
          Object.keys(value).length <= MAX_STATUSES &&
          Object.entries(value).every(([k, v]) => k.length >= 1 && k.length <= 64 && (MAPPED_STATUSES as readonly unknown[]).includes(v)),
      },
    },
    { message: `must map 1 to ${MAX_STATUSES} ESP statuses (1 to 64 characters each) to one of ${MAPPED_STATUSES.join(', ')}` },
  );
}

export class CustomFeedbackMappingDto {
  @ApiPropertyOptional({
    example: 'results[]',
    description: `Where the events are in the body (absent: the body is one event or an array). ${PATH_DOC}`,
  })
  @IsOptional()
  @IsText(1, 200)
  eventsPath?: string;

  @ApiPropertyOptional({
    example: 'messageId',
    description: "The ESP's message id, as the send recorded it (messageIdPath of the integration)",
  })
  @IsOptional()
  @IsText(1, 200)
  messageIdPath?: string;

  @ApiPropertyOptional({
    example: 'callbackData',
    description: 'Where the event carries back the Idempotency-Key Sendgate sent (<sendoutId>:<contactId>)',
  })
  @IsOptional()
  @IsText(1, 200)
  idempotencyKeyPath?: string;

  @ApiProperty({ example: 'status.groupName' })
  @IsText(1, 200)
  statusPath: string;

  @ApiPropertyOptional({ example: 'error.name' })
  @IsOptional()
  @IsText(1, 200)
  errorCodePath?: string;

  @ApiPropertyOptional({ example: 'error.description' })
  @IsOptional()
  @IsText(1, 200)
  reasonPath?: string;

  @ApiPropertyOptional({ example: 'error.groupName', description: "The failure's type, reported as messageFailure.type" })
  @IsOptional()
  @IsText(1, 200)
  failureTypePath?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...MAPPED_STATUSES] },
    example: { DELIVERED: 'delivered', UNDELIVERABLE: 'bounce', REJECTED: 'error' },
  })
  @IsStatusTable()
  statuses: Record<string, MappedStatus>;
}

/** How the ESP's delivery callbacks read: `{preset}` or `{custom}`, exactly one. */
export class FeedbackMappingDto {
  @ApiPropertyOptional({
    enum: FEEDBACK_PRESETS,
    description: 'A built-in mapping: Infobip delivery reports, SendGrid events, the sandbox',
  })
  @ExactlyOneOf(['preset', 'custom'])
  @ValidateBy(
    {
      name: 'isPresetIfGiven',
      validator: { validate: (value) => value === undefined || value === null || (FEEDBACK_PRESETS as readonly unknown[]).includes(value) },
    },
    { message: `must be one of ${FEEDBACK_PRESETS.join(', ')}` },
  )
  preset?: FeedbackPreset;

  @ApiPropertyOptional({ type: CustomFeedbackMappingDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CustomFeedbackMappingDto)
  custom?: CustomFeedbackMappingDto;
}
