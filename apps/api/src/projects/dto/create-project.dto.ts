import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateProjectDto {
  @ApiProperty({ example: 'Newsletters' })
  @IsString()
  @Length(1, 200)
  name: string;
}
