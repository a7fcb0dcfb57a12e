import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GateState, MESSAGE_STATES, MessageState, SENDOUT_PATHS, SendoutStage } from '@sendgate/domain';

export class GateWebhookViewDto {
  @ApiProperty({ description: 'Delivery attempts so far' })
  attempts: number;

  @ApiProperty({ type: Date, nullable: true })
  deliveredAt: Date | null;

  @ApiProperty({ type: String, nullable: true })
  lastError: string | null;
}

export class SendoutGateViewDto {
  @ApiProperty()
  enabled: boolean;

  @ApiPropertyOptional({ enum: GateState })
  state?: string;

  @ApiPropertyOptional({ example: 3_600_000 })
  timeoutMs?: number;

  @ApiPropertyOptional()
  expiresAt?: Date;

  @ApiPropertyOptional()
  split?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'integrator',
    description: 'Who closed the gate: integrator, timer, operator or failure',
  })
  decidedBy?: string | null;

  @ApiPropertyOptional({ type: GateWebhookViewDto })
  webhook?: GateWebhookViewDto;
}

export class GatePathCountsDto {
  @ApiProperty()
  accepted: number;

  @ApiProperty()
  rejected: number;

  @ApiProperty()
  timedOut: number;

  @ApiProperty({ description: 'Excluded at generation: no address of the kind the integration sends to (EXCLUDED); on no path onward' })
  excluded: number;
}

export class SendoutFeedbackViewDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'The feedback webhooks that receive its status changes' })
  webhookIds: string[];
}

export class SendoutViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'sendout-0b7c…' })
  workflowId: string;

  @ApiProperty({ format: 'uuid' })
  projectId: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ['batch', 'single'] })
  kind: string;

  @ApiProperty({ enum: ['journey', 'campaign'] })
  mode: string;

  @ApiProperty({ type: String, nullable: true })
  journeyName: string | null;

  @ApiPropertyOptional({
    description: "A journey run's step sendout: the journey, the run's number and the step (GET /v1/journeys/:journeyId/runs/:run)",
    example: { journeyId: '12c49064-734b-4886-8479-e4e85f5096dd', run: 1, stepId: 'welcome' },
  })
  journeyRun?: { journeyId: string; run: number; stepId: string };

  @ApiPropertyOptional({
    description: 'A campaign execution: the campaign and the step',
    example: { campaignId: 'f8312a41-9cc9-4bc5-9379-ae1503384798', stepId: 'digest' },
  })
  campaign?: { campaignId: string; stepId: string };

  @ApiProperty({ enum: SendoutStage })
  stage: SendoutStage;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: `Messages by state, every state listed: ${MESSAGE_STATES.join(', ')}`,
    example: { GATED: 0, SENT: 180, REJECTED: 20, EXCLUDED: 3 },
  })
  counts: Record<MessageState, number>;

  @ApiProperty()
  total: number;

  @ApiProperty({ type: SendoutGateViewDto })
  gate: SendoutGateViewDto;

  @ApiPropertyOptional({ type: GatePathCountsDto, description: 'With a split gate: the three paths, and the excluded beside them' })
  paths?: GatePathCountsDto;

  @ApiProperty({ type: Date, nullable: true })
  sendAt: Date | null;

  @ApiProperty({ type: String, nullable: true })
  idempotencyKey: string | null;

  @ApiProperty({ type: String, nullable: true })
  lastError: string | null;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  completedAt: Date | null;

  @ApiProperty({ type: SendoutFeedbackViewDto, nullable: true, description: 'null when the sendout reports to no feedback webhook' })
  feedback: SendoutFeedbackViewDto | null;
}

export class PathContactDto {
  @ApiProperty({ description: 'Pass as `after` to page on' })
  messageId: number;

  @ApiProperty()
  externalId: string;

  @ApiProperty({ type: String, nullable: true })
  email: string | null;

  @ApiProperty({ type: String, nullable: true })
  phone: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'rejected at the send gate: no consent' })
  reason: string | null;
}

export class PathPageDto {
  @ApiProperty({ enum: Object.keys(SENDOUT_PATHS) })
  path: string;

  @ApiProperty({ type: [PathContactDto] })
  items: PathContactDto[];

  @ApiProperty({ type: Number, nullable: true, description: 'Pass as `after` for the next page; null on the last one' })
  next: number | null;
}
