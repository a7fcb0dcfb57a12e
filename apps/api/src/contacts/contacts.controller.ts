import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { BodyLimit, MB } from '../common/body-limits';
import { TextParam } from '../common/params';
import { ContactsService } from './contacts.service';
import { UpsertContactsDto } from './dto/upsert-contacts.dto';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  /** Creates or updates up to 10,000 contacts by externalId. */
  @Post('batch')
  @BodyLimit(32 * MB) // 10,000 contacts with attributes
  @HttpCode(200)
  upsert(@Auth() auth: AuthContext, @Body() body: UpsertContactsDto) {
    return this.contacts.upsert(auth.accountId, body.contacts);
  }

  @Get(':externalId')
  get(@Auth() auth: AuthContext, @TextParam('externalId', 191) externalId: string) {
    return this.contacts.get(auth.accountId, externalId);
  }
}
