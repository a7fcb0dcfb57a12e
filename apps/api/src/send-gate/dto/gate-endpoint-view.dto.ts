import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class HttpAuthViewDto {
  @ApiProperty({ enum: ['none', 'basic', 'header'] })
  type: 'none' | 'basic' | 'header';

  @ApiPropertyOptional({ description: 'basic' })
  username?: string;

  @ApiPropertyOptional({ example: '********', description: 'basic' })
  password?: string;

  @ApiPropertyOptional({ example: 'X-Api-Key', description: 'header' })
  name?: string;

  @ApiPropertyOptional({ example: '********', description: 'header' })
  value?: string;
}

export class HttpGateEndpointViewDto {
  @ApiProperty({ enum: ['http'] })
  transport: 'http';

  @ApiProperty()
  url: string;

  @ApiProperty({ type: HttpAuthViewDto })
  auth: HttpAuthViewDto;
}

export class SqsGateEndpointViewDto {
  @ApiProperty({ enum: ['sqs'] })
  transport: 'sqs';

  @ApiProperty()
  queueUrl: string;

  @ApiProperty({ example: 'eu-west-1' })
  region: string;

  @ApiProperty()
  accessKeyId: string;

  @ApiProperty({ example: '********' })
  secretAccessKey: string;

  @ApiPropertyOptional()
  endpoint?: string;
}

export type GateEndpointView = HttpGateEndpointViewDto | SqsGateEndpointViewDto;

export class GateWebhookSampleDto {
  @ApiProperty({ enum: ['http', 'sqs'] })
  transport: 'http' | 'sqs';

  @ApiProperty({ description: 'The sample webhook sent (test: true)', type: 'object', additionalProperties: true })
  payload: Record<string, unknown>;
}

export class GateDeliveryDto {
  @ApiProperty()
  delivered: boolean;

  @ApiProperty({ enum: ['http', 'sqs'] })
  transport: 'http' | 'sqs';

  @ApiPropertyOptional({ example: 200, description: "The endpoint's HTTP status" })
  status?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  headers?: Record<string, string>;

  @ApiPropertyOptional({ description: "The endpoint's answer (text)" })
  body?: string;

  @ApiPropertyOptional({ description: 'SQS message id' })
  messageId?: string;

  @ApiPropertyOptional({ example: 'endpoint unreachable: connect ECONNREFUSED' })
  error?: string;
}

export class GateEndpointTestResultDto {
  @ApiProperty({ type: GateWebhookSampleDto })
  request: GateWebhookSampleDto;

  @ApiProperty({ type: GateDeliveryDto })
  response: GateDeliveryDto;
}
