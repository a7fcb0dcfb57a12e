import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'auth.password' })
  field: string;

  @ApiProperty({ example: 'must be a string of 1 to 500 characters' })
  message: string;
}

/** The documented form of ErrorBody (error-body.ts), the one shape of every error answer. */
export class ErrorBodyDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request', description: 'The HTTP reason phrase' })
  error: string;

  @ApiProperty({ example: 'auth.password must be a string of 1 to 500 characters' })
  message: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'For a 400: every bad field (the first thousand)' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({ example: 'integrationId', description: 'The one field the error is about' })
  field?: string;
}

/** On every controller: its 4xx and 5xx answers have the common error shape. */
export const ApiErrorResponses = () =>
  applyDecorators(
    ApiResponse({
      status: '4XX',
      type: ErrorBodyDto,
      description: 'Refused: the body names the bad field(s); some answers add what they are about (state, stage, limit, tokenEndpoint)',
    }),
    ApiResponse({
      status: '5XX',
      type: ErrorBodyDto,
      description: 'Failed on our side (or a dependency is down); the cause is logged, not shown',
    }),
  );
