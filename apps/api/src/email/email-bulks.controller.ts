import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import {
  BulkIdQuery,
  BulkScheduleDto,
  BulkScheduleInfoDto,
  BulkStatusDto,
  BulkStatusInfoDto,
  RescheduleBulkDto,
  UpdateBulkStatusDto,
} from './dto/email-bulks.dto';
import { ApiInfobipErrorResponses } from './dto/infobip-error-body.dto';
import { EmailBulksService } from './email-bulks.service';

/** Scheduled bulks (Infobip's `/email/1/bulks`): when a bulk sends, and its status. */
@ApiTags('email (Infobip-compatible)')
@ApiBearerAuth()
@ApiBasicAuth()
@ApiInfobipErrorResponses()
@Controller('email/1/bulks')
export class EmailBulksController {
  constructor(private readonly bulks: EmailBulksService) {}

  @Get()
  @ApiOkResponse({ type: BulkScheduleInfoDto })
  schedule(@Auth() auth: AuthContext, @Query() query: BulkIdQuery): Promise<BulkScheduleInfoDto> {
    return this.bulks.schedule(auth.accountId, query.bulkId);
  }

  /** Reschedules a bulk that has not started sending. */
  @Put()
  @ApiOkResponse({ type: BulkScheduleDto })
  reschedule(@Auth() auth: AuthContext, @Query() query: BulkIdQuery, @Body() body: RescheduleBulkDto): Promise<BulkScheduleDto> {
    return this.bulks.reschedule(auth.accountId, query.bulkId, body.sendAt);
  }

  @Get('status')
  @ApiOkResponse({ type: BulkStatusInfoDto })
  status(@Auth() auth: AuthContext, @Query() query: BulkIdQuery): Promise<BulkStatusInfoDto> {
    return this.bulks.status(auth.accountId, query.bulkId);
  }

  /** Pauses (PAUSED) or resumes (PROCESSING) a bulk that has not started sending, or cancels it (CANCELED) until it finished. */
  @Put('status')
  @ApiOkResponse({ type: BulkStatusDto })
  setStatus(@Auth() auth: AuthContext, @Query() query: BulkIdQuery, @Body() body: UpdateBulkStatusDto): Promise<BulkStatusDto> {
    return this.bulks.setStatus(auth.accountId, query.bulkId, body.status);
  }
}
