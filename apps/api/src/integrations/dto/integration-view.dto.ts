import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Channel } from '@sendgate/domain';
import { IDENTIFIER_TYPES } from '@sendgate/esp';
import { IntegrationStatus } from '@sendgate/database';
import { FeedbackMappingDto } from './feedback-mapping.dto';

export class HeaderViewDto {
  @ApiProperty({ example: 'X-Api-Key' })
  key: string;

  @ApiProperty({ example: '********', description: '"********" for a secret header' })
  value: string;

  @ApiProperty()
  secret: boolean;
}

/** The integration's authentication as answers show it: settings, and every secret as "********". */
export class IntegrationAuthViewDto {
  @ApiProperty({ enum: ['none', 'basic', 'oauth2'] })
  type: string;

  @ApiPropertyOptional({ description: 'basic' })
  username?: string;

  @ApiPropertyOptional({ example: '********', description: 'basic' })
  password?: string;

  @ApiPropertyOptional({ description: 'oauth2' })
  tokenUrl?: string;

  @ApiPropertyOptional({ description: 'oauth2' })
  clientId?: string;

  @ApiPropertyOptional({ example: '********', description: 'oauth2' })
  clientSecret?: string;

  @ApiPropertyOptional({ description: 'oauth2' })
  clientIdKey?: string;

  @ApiPropertyOptional({ description: 'oauth2' })
  clientSecretKey?: string;

  @ApiPropertyOptional({ description: 'oauth2' })
  scope?: string;

  @ApiPropertyOptional({ enum: ['body', 'header'], description: 'oauth2' })
  credentialsIn?: string;
}

export class IntegrationViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: Channel })
  channel: string;

  @ApiProperty()
  url: string;

  @ApiProperty({ type: [HeaderViewDto] })
  headers: HeaderViewDto[];

  @ApiProperty({ enum: IDENTIFIER_TYPES })
  identifierType: string;

  @ApiProperty({ description: 'The template as a string of JSON, whichever form it was sent in' })
  payloadTemplate: string;

  @ApiProperty({ type: String, nullable: true })
  messageIdPath: string | null;

  @ApiProperty({ type: Number, nullable: true })
  rateLimitPerSecond: number | null;

  @ApiProperty({ type: IntegrationAuthViewDto })
  auth: IntegrationAuthViewDto;

  @ApiProperty({ type: FeedbackMappingDto, nullable: true })
  feedbackMapping: FeedbackMappingDto | null;

  @ApiProperty({ description: 'Where the ESP posts delivery callbacks (signed; POST .../callback-url/rotate revokes it)' })
  callbackUrl: string;

  @ApiProperty({ enum: IntegrationStatus })
  status: IntegrationStatus;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;
}
