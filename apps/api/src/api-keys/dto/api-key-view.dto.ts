import { ApiProperty } from '@nestjs/swagger';
import { KeyEmailDefaultsDto } from './key-email-defaults.dto';

export class ApiKeyViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'journey builder (production)' })
  name: string;

  @ApiProperty({ example: 'sg_live_3f9a', description: 'The first characters of the key, to tell keys apart' })
  prefix: string;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  revokedAt: Date | null;

  @ApiProperty({ type: KeyEmailDefaultsDto, nullable: true, description: 'Which project and integration the email API sends through' })
  emailDefaults: KeyEmailDefaultsDto | null;
}

export class NewApiKeyDto extends ApiKeyViewDto {
  @ApiProperty({ description: 'The key itself: in this answer only, never shown again' })
  key: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyViewDto] })
  keys: ApiKeyViewDto[];
}
