import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { SENDOUT_PATHS, SendoutPath } from '@sendgate/domain';

export class ListPathQuery {
  @ApiProperty({ enum: Object.keys(SENDOUT_PATHS) })
  @IsIn(Object.keys(SENDOUT_PATHS))
  path: SendoutPath;

  @ApiPropertyOptional({ description: 'The `next` of the previous page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ default: 1000, maximum: 10000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;
}
