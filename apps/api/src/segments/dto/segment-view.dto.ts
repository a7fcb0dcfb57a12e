import { ApiProperty } from '@nestjs/swagger';
import type { SegmentFilter } from '@sendgate/domain';

export class SegmentViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Gold customers' })
  name: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { all: [{ attribute: 'tier', op: 'eq', value: 'gold' }] } })
  filter: SegmentFilter;

  @ApiProperty()
  createdAt: Date;
}

export class SegmentCountDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 1_250, description: 'Contacts the filter matches now' })
  count: number;
}
