import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateNested,
} from 'class-validator';

export const MAX_CONTACT_IDS = 10_000;

export class SendoutContentDto {
  @ApiPropertyOptional({ example: 'Hello {{ contact.firstName }}' })
  @IsOptional()
  @IsString()
  @MaxLength(998)
  subject?: string;

  @ApiPropertyOptional({ example: '<p>Hi {{ contact.firstName }}</p>' })
  @IsOptional()
  @IsString()
  @MaxLength(1_000_000)
  html?: string;

  @ApiPropertyOptional({ example: 'Hi {{ contact.firstName }}' })
  @IsOptional()
  @IsString()
  @MaxLength(1_000_000)
  text?: string;
}

export class CreateSendoutDto {
  @ApiProperty()
  @IsUUID()
  projectId: string;

  @ApiProperty({ example: 'Spring newsletter' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ enum: ['batch', 'single'], default: 'batch' })
  @IsOptional()
  @IsIn(['batch', 'single'])
  kind?: 'batch' | 'single';

  @ApiPropertyOptional({ description: 'Send to a segment, or…' })
  @IsOptional()
  @IsUUID()
  segmentId?: string;

  @ApiPropertyOptional({ description: '…to these contacts, by externalId (at most 10,000)', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CONTACT_IDS)
  @IsString({ each: true })
  @Length(1, 191, { each: true })
  contactIds?: string[];

  @ApiProperty()
  @IsUUID()
  integrationId: string;

  @ApiProperty({ type: SendoutContentDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => SendoutContentDto)
  content: SendoutContentDto;
}
