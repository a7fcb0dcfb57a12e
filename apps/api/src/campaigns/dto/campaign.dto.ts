import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { MAX_CAMPAIGN_STEPS, type CampaignStep } from '@sendgate/domain';
import { PathCountsDto } from '../../common/path-counts.dto';

const STEPS_DESCRIPTION =
  `At most ${MAX_CAMPAIGN_STEPS} steps, each \`{id, integrationId, content: {subject?, html?, text?}, ` +
  'gate?: {enabled, timeout?, split?, actions?}, schedule: {cron | every, startAt?, endAt?}}`: ids of 1 to 64 letters, digits, ' +
  '"-" or "_", unique; the gate timeout is fixed at one hour (leave it out or give "1h"); `cron` has 5 fields (UTC), ' +
  '`every` is a duration of 1 second to 366 days (seconds, or "90s", "15m", "1h", "2d"); `startAt`/`endAt` are ISO 8601.';

const STEPS_EXAMPLE = [
  {
    id: 'weekday-morning',
    integrationId: '6f1c1d1e-8a8b-4c4d-9e9f-0a0b0c0d0e0f',
    content: { subject: 'Good morning {{ contact.firstName }}' },
    gate: { enabled: true, split: true },
    schedule: { cron: '0 9 * * MON-FRI', startAt: '2026-12-01T00:00:00Z' },
  },
];

export class CreateCampaignDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectId: string;

  @ApiProperty({ example: 'Winter sale' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ format: 'uuid', description: 'Every execution goes to the contacts of this segment at that moment' })
  @IsUUID()
  segmentId: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    maxItems: MAX_CAMPAIGN_STEPS,
    description: STEPS_DESCRIPTION,
    example: STEPS_EXAMPLE,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CAMPAIGN_STEPS)
  @IsObject({ each: true })
  steps: CampaignStep[];
}

export class StepScheduleDto {
  @ApiProperty({ description: "Whether the step's Schedule is paused" })
  paused: boolean;

  @ApiProperty({ type: [Date], description: 'The next times the step runs (while not paused)' })
  nextActionTimes: Date[];
}

export class CampaignStepViewDto {
  @ApiProperty({ example: 'weekday-morning' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  integrationId: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { subject: 'Hi' } })
  content: object;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { enabled: true, split: true } })
  gate?: object;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { every: '1d' } })
  schedule: object;

  @ApiPropertyOptional({
    type: StepScheduleDto,
    description: "The step's Schedule as Temporal has it now; absent when Temporal did not answer (or the schedule is gone)",
  })
  scheduleInfo?: StepScheduleDto;
}

export class CampaignViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  projectId: string;

  @ApiProperty({ example: 'Winter sale' })
  name: string;

  @ApiProperty({ format: 'uuid' })
  segmentId: string;

  @ApiProperty({ enum: ['ACTIVE', 'PAUSED'] })
  state: string;

  @ApiProperty({ type: [CampaignStepViewDto] })
  steps: CampaignStepViewDto[];

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;
}

export class CampaignPageDto {
  @ApiProperty({ type: [CampaignViewDto], description: 'Newest first (without schedule info)' })
  items: CampaignViewDto[];

  @ApiPropertyOptional({ description: 'Pass as `before` for the next page; absent on the last page', format: 'uuid' })
  next?: string;
}

export class ExecutionGateDto {
  @ApiProperty()
  enabled: boolean;

  @ApiPropertyOptional({ enum: ['OPEN', 'ACCEPTED', 'TIMED_OUT', 'CANCELED'], description: 'Absent until the gate opens' })
  state?: string;

  @ApiPropertyOptional({ example: 3_600_000, description: 'Always one hour in a campaign' })
  timeoutMs?: number;
}

export class CampaignExecutionDto {
  @ApiProperty({ format: 'uuid', description: 'The execution is this sendout (GET /v1/sendouts/{id})' })
  sendoutId: string;

  @ApiProperty({ example: 'weekday-morning' })
  stepId: string;

  @ApiProperty({ example: 'Winter sale · weekday-morning · 2026-12-01T09:00:00.012Z' })
  name: string;

  @ApiProperty({ example: 'GATED' })
  stage: string;

  @ApiProperty({ type: ExecutionGateDto })
  gate: ExecutionGateDto;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { GATED: 120 } })
  counts: Record<string, number>;

  @ApiProperty({ type: PathCountsDto })
  paths: PathCountsDto;

  @ApiProperty()
  createdAt: Date;

  @ApiPropertyOptional({ nullable: true })
  completedAt: Date | null;
}

export class CampaignExecutionPageDto {
  @ApiProperty({ type: [CampaignExecutionDto], description: 'Newest first' })
  items: CampaignExecutionDto[];

  @ApiPropertyOptional({ description: 'Pass as `before` for the next page; absent on the last page', format: 'uuid' })
  next?: string;
}

export class CampaignTriggerDto {
  @ApiProperty({ format: 'uuid' })
  campaignId: string;

  @ApiProperty({ example: 'weekday-morning' })
  stepId: string;

  @ApiProperty({ description: "Asked of the Schedule; skipped when the step's previous execution still runs", example: true })
  triggered: boolean;
}

/** `before` (the `next` of the previous page) and `limit`, for the campaigns and their executions. */
export class CampaignPageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Items after this one (the `next` of the previous page)' })
  @IsOptional()
  @IsUUID()
  before?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000)
  limit?: number;
}
