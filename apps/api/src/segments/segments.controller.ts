import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { SegmentEntity } from '@sendgate/database';
import { Auth, AuthContext } from '../auth/auth.guard';
import { UuidParam } from '../common/params';
import { CreateSegmentDto } from './dto/create-segment.dto';
import { SegmentsService } from './segments.service';

@ApiTags('segments')
@ApiBearerAuth()
@Controller('v1/segments')
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @Post()
  create(@Auth() auth: AuthContext, @Body() body: CreateSegmentDto) {
    return this.segments.create(auth.accountId, body.name, body.filter).then(toSegmentView);
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @UuidParam() id: string) {
    return this.segments.get(auth.accountId, id).then(toSegmentView);
  }

  @Get(':id/count')
  count(@Auth() auth: AuthContext, @UuidParam() id: string) {
    return this.segments.count(auth.accountId, id);
  }
}

const toSegmentView = (s: SegmentEntity) => ({ id: s.id, name: s.name, filter: s.filter, createdAt: s.createdAt });
