import { Inject, Injectable } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { EmailReportsRepository, LogsQuery, ReportsQuery } from '@sendgate/database';
import { InfobipReport } from '@sendgate/domain';

export interface InfobipResults {
  results: InfobipReport[];
}

/** The account's one-time delivery reports and its logs of the last hours, in Infobip's shape. */
@Injectable()
export class EmailReportsService {
  constructor(
    private readonly reports: EmailReportsRepository,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

  /** Final reports not answered before; each is answered once, to one reader. */
  async takeReports(accountId: string, query: ReportsQuery): Promise<InfobipResults> {
    return { results: await this.reports.takeReports(accountId, query) };
  }

  /** Everything of the retention period as it stands now; reading changes nothing. */
  async logs(accountId: string, query: LogsQuery): Promise<InfobipResults> {
    return { results: await this.reports.logs(accountId, query, this.config.email.logRetentionHours) };
  }
}
