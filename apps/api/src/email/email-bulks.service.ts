import { BadRequestException, Injectable } from '@nestjs/common';
import { EmailBulksRepository, EmailBulkView } from '@sendgate/database';
import { BulkStatus, SendoutStage, bulkStatusOf, infobipDate, isFinished, parseSendAt } from '@sendgate/domain';
import { ScheduleChangeRefusedError, SendoutWorkflowGateway } from '@sendgate/temporal';
import type { SendoutScheduleChange } from '@sendgate/workflows';
import { badRequest } from '../common/validation';
import { notFound } from '../common/not-found';
import { SendoutsService } from '../sendouts/sendouts.service';
import { BulkScheduleDto, BulkScheduleInfoDto, BulkStatusDto, BulkStatusInfoDto, SettableBulkStatus } from './dto/email-bulks.dto';

/**
 * The scheduled bulks of the email API: read, reschedule, pause, resume and cancel. The workflow
 * decides (a change it refuses is a 400) and stores the schedule before it answers, so what these
 * routes read afterwards agrees with what it will do.
 */
@Injectable()
export class EmailBulksService {
  constructor(
    private readonly bulks: EmailBulksRepository,
    private readonly workflows: SendoutWorkflowGateway,
    private readonly sendouts: SendoutsService,
  ) {}

  async schedule(accountId: string, bulkId: string): Promise<BulkScheduleInfoDto> {
    const bulk = await this.find(accountId, bulkId);
    return { externalBulkId: bulk.bulkId, bulks: [scheduleOf(bulk)] };
  }

  async reschedule(accountId: string, bulkId: string, sendAtText: string, now = new Date()): Promise<BulkScheduleDto> {
    const parsed = parseSendAt(sendAtText, now);
    if ('error' in parsed) throw badRequest([{ field: 'sendAt', message: parsed.error }]);
    const bulk = await this.find(accountId, bulkId);
    const schedule = await this.change(accountId, bulk, { sendAt: parsed.sendAt.getTime() });
    return { bulkId: bulk.bulkId, sendAt: infobipDate(new Date(schedule.sendAt ?? parsed.sendAt)) };
  }

  async status(accountId: string, bulkId: string): Promise<BulkStatusInfoDto> {
    const bulk = await this.find(accountId, bulkId);
    return { externalBulkId: bulk.bulkId, bulks: [{ bulkId: bulk.bulkId, status: bulkStatusOf(bulk.stage, bulk.paused) }] };
  }

  /** PAUSED and PROCESSING (resume) until the bulk starts sending; CANCELED until it finished. */
  async setStatus(accountId: string, bulkId: string, status: SettableBulkStatus): Promise<BulkStatusDto> {
    const bulk = await this.find(accountId, bulkId);
    switch (status) {
      case 'PAUSED':
      case 'PROCESSING': {
        const schedule = await this.change(accountId, bulk, { paused: status === 'PAUSED' });
        return { bulkId: bulk.bulkId, status: schedule.paused ? 'PAUSED' : 'PENDING' };
      }
      case 'CANCELED':
        if (isFinished(bulk.stage)) throw refused(bulk.bulkId, bulkStatusOf(bulk.stage, bulk.paused));
        await this.started(accountId, bulk);
        await this.workflows.cancel(bulk.workflowId);
        return { bulkId: bulk.bulkId, status: 'CANCELED' };
    }
  }

  /**
   * The send answers before its workflow starts: a bulk acted on right after it (still CREATED)
   * gets its workflow started first, else a cancel would find nothing to cancel and the start,
   * still queued, would send it anyway.
   */
  private async started(accountId: string, bulk: EmailBulkView): Promise<void> {
    if (bulk.stage === SendoutStage.CREATED) await this.sendouts.ensureStarted(accountId, bulk.sendoutId);
  }

  private async change(accountId: string, bulk: EmailBulkView, change: SendoutScheduleChange) {
    const current = bulkStatusOf(bulk.stage, bulk.paused);
    if (current !== 'PENDING' && current !== 'PAUSED') throw refused(bulk.bulkId, current);
    await this.started(accountId, bulk);
    try {
      return await this.workflows.changeSchedule(bulk.workflowId, change);
    } catch (error) {
      if (error instanceof ScheduleChangeRefusedError)
        throw new BadRequestException(`bulk ${bulk.bulkId} cannot be changed: ${error.message}`);
      throw error;
    }
  }

  private async find(accountId: string, bulkId: string): Promise<EmailBulkView> {
    const bulk = await this.bulks.find(accountId, bulkId);
    if (!bulk) throw notFound('bulk', bulkId, 'bulkId');
    return bulk;
  }
}

function scheduleOf(bulk: EmailBulkView): BulkScheduleDto {
  return { bulkId: bulk.bulkId, sendAt: infobipDate(bulk.sendAt ?? bulk.createdAt) };
}

function refused(bulkId: string, status: BulkStatus): BadRequestException {
  return new BadRequestException(
    `bulk ${bulkId} is ${status}: only a bulk that has not started sending can be paused, resumed or rescheduled`,
  );
}
