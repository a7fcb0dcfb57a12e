import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

export class InfobipServiceExceptionDto {
  @ApiProperty({
    example: 'BAD_REQUEST',
    description: 'BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, TOO_MANY_REQUESTS or GENERAL_ERROR',
  })
  messageId: string;

  @ApiProperty({ example: 'subject is required' })
  text: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { subject: ['is required'] },
    description: 'For a 400: the messages by field',
  })
  validationErrors?: Record<string, string[]>;
}

export class InfobipRequestErrorDto {
  @ApiProperty({ type: InfobipServiceExceptionDto })
  serviceException: InfobipServiceExceptionDto;
}

/** The documented form of InfobipErrorBody (infobip-errors.ts): every error of the /email routes. */
export class InfobipErrorBodyDto {
  @ApiProperty({ type: InfobipRequestErrorDto })
  requestError: InfobipRequestErrorDto;
}

/** On every email controller: its 4xx and 5xx answers have Infobip's error shape. */
export const ApiInfobipErrorResponses = () =>
  applyDecorators(
    ApiResponse({
      status: '4XX',
      type: InfobipErrorBodyDto,
      description: "Refused, in Infobip's error shape (401: Invalid login details)",
    }),
    ApiResponse({ status: '5XX', type: InfobipErrorBodyDto, description: "A server error, in Infobip's error shape (GENERAL_ERROR)" }),
  );
