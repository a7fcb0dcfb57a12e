import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { MAX_JOURNEY_STEPS, MAX_STEP_ID_CHARS, type JourneyStep } from '@sendgate/domain';

const STEPS_DESCRIPTION =
  'The steps, joined by their `next` paths into a graph without cycles, every step reachable from the entry step. ' +
  `At most ${MAX_JOURNEY_STEPS}; ids of 1 to ${MAX_STEP_ID_CHARS} letters, digits, "-" or "_". Kinds: ` +
  '`{id, type: "message", integrationId, content: {subject?, html?, text?}, gate?: {enabled, timeout?, split?, actions?}, ' +
  'next?: {accepted?, rejected?, timedOut?} (gate enabled) or {sent?} (no gate); a message without next ends the journey}`, ' +
  '`{id, type: "wait", duration: seconds or "90s", "15m", "1h", "2d" (at most 90 days), next}`, ' +
  '`{id, type: "branch", filter (as a segment\'s), next: {match, otherwise}}`, `{id, type: "end"}`.';

const STEPS_EXAMPLE = [
  {
    id: 'welcome',
    type: 'message',
    integrationId: '6f1c1d1e-8a8b-4c4d-9e9f-0a0b0c0d0e0f',
    content: { subject: 'Welcome {{ contact.firstName }}', html: '<p>Hello</p>' },
    gate: { enabled: true, timeout: '15m', split: true },
    next: { accepted: 'pause', rejected: 'done' },
  },
  { id: 'pause', type: 'wait', duration: '2d', next: 'done' },
  { id: 'done', type: 'end' },
];

/** The definition of a new version: the name and the graph (checked as a whole by the service). */
export class UpdateJourneyDto {
  @ApiProperty({ example: 'Welcome journey' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'welcome', description: 'The id of the step every contact starts at' })
  @IsString()
  @Length(1, MAX_STEP_ID_CHARS)
  entryStepId: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    maxItems: MAX_JOURNEY_STEPS,
    description: STEPS_DESCRIPTION,
    example: STEPS_EXAMPLE,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_JOURNEY_STEPS)
  @IsObject({ each: true })
  steps: JourneyStep[];
}

export class CreateJourneyDto extends UpdateJourneyDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectId: string;
}

export class JourneyViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Welcome journey' })
  name: string;

  @ApiProperty({ format: 'uuid' })
  projectId: string;

  @ApiProperty({ example: 1, description: 'The version shown (the current one unless asked for another)' })
  version: number;

  @ApiProperty({ example: 'welcome' })
  entryStepId: string;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, example: STEPS_EXAMPLE })
  steps: JourneyStep[];

  @ApiProperty({ description: 'When this version was made' })
  createdAt: Date;
}

export class JourneyVersionDto {
  @ApiProperty({ example: 2 })
  version: number;

  @ApiProperty()
  createdAt: Date;
}

export class JourneyVersionPageDto {
  @ApiProperty({ type: [JourneyVersionDto], description: 'Newest first' })
  versions: JourneyVersionDto[];

  @ApiPropertyOptional({ description: 'Pass as `before` for the next page; absent on the last page', example: 1 })
  next?: number;
}

export class ListVersionsQuery {
  @ApiPropertyOptional({ description: 'Versions below this one (the `next` of the previous page)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  before?: number;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000)
  limit?: number;
}
