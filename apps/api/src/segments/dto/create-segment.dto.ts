import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString, Length } from 'class-validator';
import type { SegmentFilter } from '@sendgate/domain';

export class CreateSegmentDto {
  @ApiProperty({ example: 'Gold customers' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({
    description: '{all|any: [{attribute, op: eq|neq|in|exists|gt|lt, value} | group]}',
    example: {
      all: [
        { attribute: 'tier', op: 'eq', value: 'gold' },
        { attribute: 'email', op: 'exists' },
      ],
    },
  })
  @IsDefined()
  filter: SegmentFilter;
}
