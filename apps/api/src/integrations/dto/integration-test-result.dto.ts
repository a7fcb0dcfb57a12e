import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;

export class TestRequestDto {
  @ApiProperty({ example: 'POST' })
  method: string;

  @ApiProperty()
  url: string;

  @ApiProperty({ ...STRING_MAP, description: 'As sent, with secret values as "********"' })
  headers: Record<string, string>;

  @ApiProperty({ description: 'The JSON body sent' })
  body: unknown;
}

export class TokenEndpointAnswerDto {
  @ApiProperty({ example: 401 })
  status?: number;

  @ApiProperty({ description: 'What the token endpoint answered' })
  body?: unknown;
}

/** What came back, or why nothing could go out (`error`). */
export class TestResponseDto {
  @ApiPropertyOptional({ example: 200 })
  status?: number;

  @ApiPropertyOptional(STRING_MAP)
  headers?: Record<string, string>;

  @ApiPropertyOptional({ description: "The ESP's answer: JSON when it parses, else text (the first 64 KB)" })
  body?: unknown;

  @ApiPropertyOptional({ example: 'the ESP could not be reached: connect ECONNREFUSED' })
  error?: string;

  @ApiPropertyOptional({ type: TokenEndpointAnswerDto, description: 'When the OAuth2 token endpoint refused the credentials' })
  tokenEndpoint?: TokenEndpointAnswerDto;

  @ApiProperty({ example: 42 })
  durationMs: number;
}

export class IntegrationTestResultDto {
  @ApiProperty({ type: TestRequestDto })
  request: TestRequestDto;

  @ApiProperty({ type: TestResponseDto })
  response: TestResponseDto;
}
