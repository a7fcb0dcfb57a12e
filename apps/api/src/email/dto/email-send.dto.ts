import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class InfobipStatusDto {
  @ApiProperty({ example: 1 })
  groupId: number;

  @ApiProperty({ example: 'PENDING' })
  groupName: string;

  @ApiProperty({ example: 26 })
  id: number;

  @ApiProperty({ example: 'PENDING_ACCEPTED' })
  name: string;

  @ApiProperty({ example: 'Message accepted, pending for delivery.' })
  description: string;
}

export class EmailSendMessageDto {
  @ApiProperty({ example: 'john.smith@example.com' })
  to: string;

  @ApiProperty({ example: 'jgzra46v9zi1ztvd62t5' })
  messageId: string;

  @ApiProperty({ type: InfobipStatusDto })
  status: InfobipStatusDto;
}

/** The acceptance of a send (not its outcome: see GET /email/1/reports and /email/1/logs). */
export class EmailSendAnswerDto {
  @ApiProperty({ example: 'snxemd8u52v7v84iiu69' })
  bulkId: string;

  @ApiProperty({ type: [EmailSendMessageDto] })
  messages: EmailSendMessageDto[];
}

/** The multipart form of POST /email/3/send, for the OpenAPI document (the route reads the parts itself). */
export class EmailSendFormDto {
  @ApiProperty({ example: 'Jane Doe <jane@example.com>' })
  from: string;

  @ApiProperty({
    type: [String],
    description: 'Repeat the field (or name it to[0], to[1]…) for several recipients; a value may be JSON {"to", "placeholders"}',
    example: ['john.smith@example.com'],
  })
  to: string[];

  @ApiPropertyOptional({ type: [String] })
  cc?: string[];

  @ApiPropertyOptional({ type: [String] })
  bcc?: string[];

  @ApiProperty({ description: '1 to 1000 characters; Liquid, e.g. "Hi {{name}}"' })
  subject: string;

  @ApiPropertyOptional({ description: 'Ignored when html is given' })
  text?: string;

  @ApiPropertyOptional()
  html?: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'binary' }, description: 'Files, repeatable' })
  attachment?: unknown[];

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'binary' }, description: 'Images referenced as cid:<filename>' })
  inlineImage?: unknown[];

  @ApiPropertyOptional()
  replyTo?: string;

  @ApiPropertyOptional({ description: 'Unique per account; generated when absent' })
  bulkId?: string;

  @ApiPropertyOptional({ description: 'Unique per account; only for one recipient; generated when absent' })
  messageId?: string;

  @ApiPropertyOptional({ example: '2026-12-01T10:00:00.000+0000', description: 'At most 30 days ahead' })
  sendAt?: string;

  @ApiPropertyOptional({ description: 'Final delivery reports are pushed here' })
  notifyUrl?: string;

  @ApiPropertyOptional({ example: 'application/json' })
  notifyContentType?: string;

  @ApiPropertyOptional({ description: 'At most 4000 characters, echoed in reports' })
  callbackData?: string;

  @ApiPropertyOptional({ description: 'JSON object: placeholders for every recipient', example: '{"company":"ACME"}' })
  defaultPlaceholders?: string;

  @ApiPropertyOptional({ description: 'JSON object of extra email headers', example: '{"X-Campaign":"spring"}' })
  headers?: string;

  @ApiPropertyOptional({ type: Boolean })
  track?: boolean;

  @ApiPropertyOptional({ type: Boolean })
  trackClicks?: boolean;

  @ApiPropertyOptional({ type: Boolean })
  trackOpens?: boolean;

  @ApiPropertyOptional({ type: Boolean })
  intermediateReport?: boolean;

  @ApiPropertyOptional({ type: Boolean })
  preserveRecipients?: boolean;
}
