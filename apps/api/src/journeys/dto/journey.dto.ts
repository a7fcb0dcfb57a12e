import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { MAX_JOURNEY_STEPS, MAX_STEP_ID_CHARS, type JourneyStep } from '@sendgate/domain';
import { ExactlyOneOf, IsUuidIfGiven } from '../../common/field-validators';
import { PathCountsDto } from '../../common/path-counts.dto';

/** A run for a list of contacts: the same bound as a single sendout's list. */
export const MAX_RUN_CONTACT_IDS = 1_000;

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

/** Who a run starts with: a segment as it is when the run starts, or contacts by externalId. */
export class StartJourneyRunDto {
  @ApiPropertyOptional({ description: 'Run for a segment, or… (exactly one of segmentId and contactIds)', format: 'uuid' })
  @ExactlyOneOf(['segmentId', 'contactIds']) // so not IsOptional, which would skip this rule with the segmentId left out
  @IsUuidIfGiven()
  segmentId?: string;

  @ApiPropertyOptional({
    description: `…for these contacts, by externalId (at most ${MAX_RUN_CONTACT_IDS.toLocaleString('en')})`,
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RUN_CONTACT_IDS)
  @IsString({ each: true })
  @Length(1, 191, { each: true })
  contactIds?: string[];
}

export class JourneyRunStepSendoutDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'COMPLETED' })
  stage: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Messages per state' })
  counts: Record<string, number>;
  @ApiProperty({ type: PathCountsDto })
  paths: PathCountsDto;
}

export class JourneyRunStepDto {
  @ApiProperty({ example: 'welcome' })
  id: string;
  @ApiProperty({ enum: ['message', 'wait', 'branch', 'end'] })
  type: string;
  @ApiProperty({
    enum: ['not reached', 'waiting', 'running', 'done'],
    description: 'From the run while it runs; "done" for every step reached once the run ended',
  })
  status: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Message steps: messages per state, over its sendouts',
  })
  counts?: Record<string, number>;
  @ApiPropertyOptional({ type: PathCountsDto, description: 'Message steps: contacts per path, over its sendouts' })
  paths?: PathCountsDto;
  @ApiPropertyOptional({ type: [JourneyRunStepSendoutDto], description: 'Message steps: one sendout per path that reached it' })
  sendouts?: JourneyRunStepSendoutDto[];
}

export class JourneyRunViewDto {
  @ApiProperty({ example: 1, description: 'The run number within the journey (the `:run` of its URLs)' })
  run: number;
  @ApiProperty({ format: 'uuid' })
  journeyId: string;
  @ApiProperty({ example: 1, description: 'The journey version the run follows, whatever is published meanwhile' })
  version: number;
  @ApiProperty({ enum: ['RUNNING', 'COMPLETED', 'CANCELED', 'FAILED'] })
  stage: string;
  @ApiProperty({ example: 'journey-6f1c1d1e-8a8b-4c4d-9e9f-0a0b0c0d0e0f-run-1', description: 'Its workflow in the Temporal Web UI' })
  workflowId: string;
  @ApiPropertyOptional({ format: 'uuid' })
  segmentId?: string;
  @ApiPropertyOptional({ type: [String] })
  contactIds?: string[];
  @ApiPropertyOptional()
  lastError?: string;
  @ApiProperty()
  createdAt: Date;
  @ApiPropertyOptional()
  completedAt?: Date;
  @ApiProperty({ type: [JourneyRunStepDto] })
  steps: JourneyRunStepDto[];
}

export class JourneyRunPageDto {
  @ApiProperty({ type: [JourneyRunViewDto], description: 'Newest first, without their steps (GET the run for those)' })
  runs: Omit<JourneyRunViewDto, 'steps'>[];
  @ApiPropertyOptional({ description: 'Pass as `before` for the next page' })
  next?: number;
}

export class ListRunsQuery {
  @ApiPropertyOptional({ description: 'Runs numbered below this (the `next` of the previous page)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  before?: number;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
