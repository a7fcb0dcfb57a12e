import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Channel } from '@sendgate/domain';
import { JWT_ALGORITHMS } from './feedback-webhook-auth.dto';

export class FeedbackHeaderViewDto {
  @ApiProperty({ example: 'X-Api-Key' })
  key: string;

  @ApiProperty({ example: '********', description: '"********" for a secret header' })
  value: string;

  @ApiProperty()
  secret: boolean;
}

/** The webhook's authentication as answers show it: settings, and the secret or private key as "********". */
export class FeedbackAuthViewDto {
  @ApiProperty({ enum: ['none', 'jwt'] })
  type: string;

  @ApiPropertyOptional({ enum: JWT_ALGORITHMS })
  algorithm?: string;

  @ApiPropertyOptional({ example: '********', description: 'HS256' })
  secret?: string;

  @ApiPropertyOptional({ example: '********', description: 'RS256, ES256' })
  privateKey?: string;

  @ApiPropertyOptional()
  issuer?: string;

  @ApiPropertyOptional()
  audience?: string;

  @ApiPropertyOptional({ example: 300 })
  expiresInSeconds?: number;
}

export class FeedbackWebhookViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: Channel, isArray: true })
  channels: Channel[];

  @ApiProperty()
  url: string;

  @ApiProperty({ type: FeedbackAuthViewDto })
  auth: FeedbackAuthViewDto;

  @ApiProperty({ type: [FeedbackHeaderViewDto] })
  headers: FeedbackHeaderViewDto[];

  @ApiProperty({ example: 1, description: '1: one event per request; more: a JSON array of up to this many events per request' })
  maxEventsPerRequest: number;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;
}

export class FeedbackWebhookListDto {
  @ApiProperty({ type: [FeedbackWebhookViewDto] })
  webhooks: FeedbackWebhookViewDto[];
}

export class FeedbackWebhookTestResultDto {
  @ApiProperty({ description: 'Whether the receiver answered 2xx' })
  delivered: boolean;

  @ApiPropertyOptional({ example: 200, description: "The receiver's HTTP status, when it answered" })
  status?: number;

  @ApiPropertyOptional({ description: "The start of the receiver's answer (at most 2 KB)" })
  body?: string;

  @ApiPropertyOptional({ example: 'receiver answered 500: …', description: 'Why it was not delivered' })
  error?: string;

  @ApiProperty({
    example: '9f0c6d3e8b2a4f1c9d7e6b5a4c3d2e1f',
    description: "The sample event's requestId (the JWT's jti when the webhook takes one event per request)",
  })
  requestId: string;
}
