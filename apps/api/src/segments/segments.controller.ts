import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SegmentEntity } from '@sendgate/database';
import { Auth, AuthContext } from '../auth/auth.guard';
import { ApiErrorResponses } from '../common/error-body.dto';
import { UuidParam } from '../common/params';
import { CreateSegmentDto } from './dto/create-segment.dto';
import { SegmentCountDto, SegmentViewDto } from './dto/segment-view.dto';
import { SegmentsService } from './segments.service';

@ApiTags('segments')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('v1/segments')
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @Post()
  @ApiCreatedResponse({ type: SegmentViewDto })
  create(@Auth() auth: AuthContext, @Body() body: CreateSegmentDto): Promise<SegmentViewDto> {
    return this.segments.create(auth.accountId, body.name, body.filter).then(toSegmentView);
  }

  @Get(':id')
  @ApiOkResponse({ type: SegmentViewDto })
  get(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<SegmentViewDto> {
    return this.segments.get(auth.accountId, id).then(toSegmentView);
  }

  @Get(':id/count')
  @ApiOkResponse({ type: SegmentCountDto })
  count(@Auth() auth: AuthContext, @UuidParam() id: string): Promise<SegmentCountDto> {
    return this.segments.count(auth.accountId, id);
  }
}

const toSegmentView = (s: SegmentEntity): SegmentViewDto => ({ id: s.id, name: s.name, filter: s.filter, createdAt: s.createdAt });
