import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateIf } from 'class-validator';
import { IsText, TextMatches } from '../../common/field-validators';
import { OneOf, ValidateOneOf } from '../../common/one-of';

const NonEmptyText = (max: number) => IsText(1, max, { message: `must be a non-empty string of at most ${max} characters` });
const SECRET = 'Sent as "********", the stored secret is kept while the destination stays the same';

/** How Sendgate authenticates to an HTTP gate endpoint. */
@OneOf('type', () => ({ none: NoneHttpAuthDto, basic: BasicHttpAuthDto, header: HeaderHttpAuthDto }))
export class HttpAuthDto {
  type: string;
}

export class NoneHttpAuthDto extends HttpAuthDto {
  @ApiProperty({ enum: ['none'] })
  type: 'none';
}

export class BasicHttpAuthDto extends HttpAuthDto {
  @ApiProperty({ enum: ['basic'] })
  type: 'basic';

  @ApiProperty({ example: 'sendgate', maxLength: 200 })
  @NonEmptyText(200)
  username: string;

  @ApiProperty({ example: 'secret', maxLength: 500, description: SECRET })
  @NonEmptyText(500)
  password: string;
}

export class HeaderHttpAuthDto extends HttpAuthDto {
  @ApiProperty({ enum: ['header'] })
  type: 'header';

  @ApiProperty({ example: 'X-Api-Key', maxLength: 100 })
  @NonEmptyText(100)
  @TextMatches(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
  name: string;

  @ApiProperty({ example: 'secret', maxLength: 2000, description: SECRET })
  @NonEmptyText(2000)
  value: string;
}

export type HttpAuthBody = NoneHttpAuthDto | BasicHttpAuthDto | HeaderHttpAuthDto;

/** Where gate webhooks go: an HTTP endpoint or an SQS queue. Secrets are encrypted at rest and masked in answers. */
@OneOf('transport', () => ({ http: HttpGateEndpointDto, sqs: SqsGateEndpointDto }), 'must be "http" or "sqs"')
export class GateEndpointDto {
  transport: string;
}

export class HttpGateEndpointDto extends GateEndpointDto {
  @ApiProperty({ enum: ['http'] })
  transport: 'http';

  @ApiProperty({ example: 'https://integrator.example.com/sendgate', maxLength: 2048 })
  @NonEmptyText(2048)
  url: string;

  @IsOptional()
  @ValidateOneOf(HttpAuthDto, { required: false, description: 'Default {"type": "none"}' })
  auth?: HttpAuthBody | null;
}

export class SqsGateEndpointDto extends GateEndpointDto {
  @ApiProperty({ enum: ['sqs'] })
  transport: 'sqs';

  @ApiProperty({ example: 'https://sqs.eu-west-1.amazonaws.com/123456789012/sendgate-gate', maxLength: 2048 })
  @NonEmptyText(2048)
  queueUrl: string;

  @ApiProperty({ example: 'eu-west-1', maxLength: 50 })
  @NonEmptyText(50)
  @TextMatches(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as eu-west-1')
  region: string;

  @ApiProperty({ example: 'AKIAIOSFODNN7EXAMPLE', maxLength: 128 })
  @NonEmptyText(128)
  accessKeyId: string;

  @ApiProperty({ example: 'secret', maxLength: 256, description: SECRET })
  @NonEmptyText(256)
  secretAccessKey: string;

  @ApiPropertyOptional({
    example: 'http://127.0.0.1:4566',
    maxLength: 2048,
    description: 'Another SQS endpoint than AWS (e.g. a local emulator)',
  })
  @ValidateIf((o: SqsGateEndpointDto) => o.endpoint !== undefined)
  @NonEmptyText(2048)
  endpoint?: string;
}

export type GateEndpointBody = HttpGateEndpointDto | SqsGateEndpointDto;
