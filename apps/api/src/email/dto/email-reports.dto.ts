/**
 * The documented form of the reports and logs answers (InfobipReport in libs/domain/src/infobip.ts),
 * the same shape the notifyUrl push sends.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { InfobipStatusDto } from './email-send.dto';

export class InfobipErrorDto {
  @ApiProperty({ example: 0 })
  groupId: number;

  @ApiProperty({ example: 'OK' })
  groupName: string;

  @ApiProperty({ example: 0 })
  id: number;

  @ApiProperty({ example: 'NO_ERROR' })
  name: string;

  @ApiProperty({ example: 'No Error' })
  description: string;

  @ApiProperty({ example: false })
  permanent: boolean;
}

export class InfobipPriceDto {
  @ApiProperty({ example: 0 })
  pricePerMessage: number;

  @ApiProperty({ example: 'EUR' })
  currency: string;
}

export class InfobipReportDto {
  @ApiProperty({ example: 'snxemd8u52v7v84iiu69' })
  bulkId: string;

  @ApiProperty({ example: 'jgzra46v9zi1ztvd62t5' })
  messageId: string;

  @ApiProperty({ example: 'john.smith@example.com' })
  to: string;

  @ApiPropertyOptional({ example: 'jane@example.com', description: 'Logs only' })
  from?: string;

  @ApiPropertyOptional({ example: 'It ships today', description: "Logs only: the request's text, or else its subject" })
  text?: string;

  @ApiProperty({ example: '2026-12-01T10:00:00.000+0000', description: 'When sent (when accepted, before it is sent)' })
  sentAt: string;

  @ApiPropertyOptional({ example: '2026-12-01T10:00:05.000+0000', description: 'When the final state was reached; only once final' })
  doneAt?: string;

  @ApiProperty({ example: 1 })
  messageCount: number;

  @ApiProperty({ type: InfobipPriceDto })
  price: InfobipPriceDto;

  @ApiProperty({ type: InfobipStatusDto })
  status: InfobipStatusDto;

  @ApiProperty({ type: InfobipErrorDto })
  error: InfobipErrorDto;

  @ApiPropertyOptional({ example: 'order-42', description: "The request's callbackData (reports and pushes)" })
  callbackData?: string;
}

export class InfobipReportsDto {
  @ApiProperty({ type: [InfobipReportDto] })
  results: InfobipReportDto[];
}
