import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'journey builder (production)', description: 'tells keys apart; the key itself is shown only once' })
  @IsString()
  @Length(1, 100)
  name: string;
}
