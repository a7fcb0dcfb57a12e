import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { UuidParam } from '../common/params';
import { CreateSendoutDto } from './dto/create-sendout.dto';
import { ListPathQuery } from './dto/list-path.query';
import { SendoutsService } from './sendouts.service';

@ApiTags('sendouts')
@ApiBearerAuth()
@Controller('v1/sendouts')
export class SendoutsController {
  constructor(private readonly sendouts: SendoutsService) {}

  /** Starts a sendout; answers 202 at once, progress is on GET. */
  @Post()
  @HttpCode(202)
  create(@Auth() auth: AuthContext, @Body() body: CreateSendoutDto) {
    return this.sendouts.create(auth.accountId, body);
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @UuidParam() id: string) {
    return this.sendouts.get(auth.accountId, id);
  }

  /** Cancels the sendout in any stage; nothing further is sent. 202: the workflow winds down. */
  @Post(':id/cancel')
  @HttpCode(202)
  cancel(@Auth() auth: AuthContext, @UuidParam() id: string) {
    return this.sendouts.cancel(auth.accountId, id);
  }

  /** The contacts on one path of the gate's split (accepted, rejected, timedOut), for the next journey step. */
  @Get(':id/messages')
  listPath(@Auth() auth: AuthContext, @UuidParam() id: string, @Query() query: ListPathQuery) {
    return this.sendouts.listPath(auth.accountId, id, query.path, query.after ?? 0, query.limit ?? 1_000);
  }
}
