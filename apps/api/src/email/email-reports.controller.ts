import { Controller, Get, Query } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { BodyLimit } from '../common/body-limits';
import { InfobipReportsDto } from './dto/email-reports.dto';
import { parseLogsQuery, parseReportsQuery } from './dto/email-reports.query';
import { ApiInfobipErrorResponses } from './dto/infobip-error-body.dto';
import { EmailReportsService, InfobipResults } from './email-reports.service';

const NO_BODY_LIMIT = 1024;

/** Infobip's report routes: `GET /email/1/reports` (each report once) and `GET /email/1/logs` (the last 48 hours). */
@ApiTags('email (Infobip-compatible)')
@ApiBearerAuth()
@ApiBasicAuth()
@ApiInfobipErrorResponses()
@Controller('email/1')
export class EmailReportsController {
  constructor(private readonly reports: EmailReportsService) {}

  @Get('reports')
  @BodyLimit(NO_BODY_LIMIT)
  @ApiQuery({ name: 'bulkId', required: false })
  @ApiQuery({ name: 'messageId', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1..1000, default 50' })
  @ApiOkResponse({ type: InfobipReportsDto, description: 'Final delivery reports not answered before' })
  takeReports(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>): Promise<InfobipResults> {
    return this.reports.takeReports(auth.accountId, parseReportsQuery(query));
  }

  @Get('logs')
  @BodyLimit(NO_BODY_LIMIT)
  @ApiQuery({ name: 'messageId', required: false, isArray: true })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'bulkId', required: false })
  @ApiQuery({ name: 'generalStatus', required: false, enum: ['PENDING', 'DELIVERED', 'UNDELIVERABLE', 'EXPIRED', 'REJECTED'] })
  @ApiQuery({ name: 'sentSince', required: false, description: "yyyy-MM-dd'T'HH:mm:ss.SSS+0000 or ISO 8601" })
  @ApiQuery({ name: 'sentUntil', required: false, description: "yyyy-MM-dd'T'HH:mm:ss.SSS+0000 or ISO 8601" })
  @ApiQuery({ name: 'limit', required: false, description: '1..1000, default 50' })
  @ApiOkResponse({ type: InfobipReportsDto, description: 'Every recipient of the last 48 hours, newest first' })
  logs(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>): Promise<InfobipResults> {
    return this.reports.logs(auth.accountId, parseLogsQuery(query));
  }
}
