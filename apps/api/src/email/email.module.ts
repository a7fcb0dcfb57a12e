import { Module } from '@nestjs/common';
import { SendoutsModule } from '../sendouts/sendouts.module';
import { EmailBulksController } from './email-bulks.controller';
import { EmailBulksService } from './email-bulks.service';
import { EmailReportsController } from './email-reports.controller';
import { EmailReportsService } from './email-reports.service';
import { EmailSendController } from './email-send.controller';
import { EmailSendService } from './email-send.service';

/**
 * The Infobip-compatible transactional email API (`/email/...`): an application that sends through
 * Infobip switches to Sendgate by changing its base URL and API key. Each request is a sendout of
 * kind single; errors come in Infobip's shape (ApiExceptionFilter, for every path under /email/).
 */
@Module({
  imports: [SendoutsModule],
  controllers: [EmailSendController, EmailBulksController, EmailReportsController],
  providers: [EmailSendService, EmailBulksService, EmailReportsService],
})
export class EmailModule {}
