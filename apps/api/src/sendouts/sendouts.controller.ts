import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { CreateSendoutDto } from './dto/create-sendout.dto';
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
  get(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.sendouts.get(auth.accountId, id);
  }
}
