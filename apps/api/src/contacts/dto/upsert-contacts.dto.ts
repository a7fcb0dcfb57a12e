import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { MaxJsonBytes, OwnKeyNames } from '../../common/json-validators';

export const MAX_CONTACTS_PER_BATCH = 10_000;

/** An address as validated: without surrounding spaces; blank means none (stored as null, never sent to). */
const trimmedOrNone = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || null : value);
export const MAX_ATTRIBUTES_BYTES = 16 * 1024;

export class ContactDto {
  @ApiProperty({ example: 'crm-42', description: 'Your id for the contact; upserts match on it' })
  @IsString()
  @Length(1, 191)
  externalId: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'ada@example.com',
    description: 'Stored trimmed and lower-cased; blank or null: none',
  })
  @Transform(trimmedOrNone)
  @IsOptional()
  @IsEmail()
  email?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '+447700900123',
    description: 'E.164, stored with its +; blank or null: none',
  })
  @Transform(trimmedOrNone)
  @IsOptional()
  @Matches(/^\+?[1-9]\d{5,14}$/, { message: 'must be a phone number in E.164 form, e.g. +447700900123' })
  phone?: string | null;

  @ApiPropertyOptional({ example: { firstName: 'Ada', tier: 'gold', score: 42 }, description: 'At most 16 KB as JSON' })
  @IsOptional()
  @Transform(({ obj }) => obj.attributes) // as sent: class-transformer would silently drop keys such as "toString"
  @IsObject()
  @OwnKeyNames()
  @MaxJsonBytes(MAX_ATTRIBUTES_BYTES)
  attributes?: Record<string, unknown>;
}

export class UpsertContactsDto {
  @ApiProperty({ type: [ContactDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CONTACTS_PER_BATCH)
  @IsObject({ each: true }) // ValidateNested alone lets an array through in place of an object
  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  contacts: ContactDto[];
}
