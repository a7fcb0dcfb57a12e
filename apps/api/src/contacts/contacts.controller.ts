import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { BodyLimit, MB } from '../common/body-limits';
import { ApiErrorResponses } from '../common/error-body.dto';
import { TextParam } from '../common/params';
import { ContactsService } from './contacts.service';
import { ContactViewDto, ContactsReceivedDto } from './dto/contact-view.dto';
import { UpsertContactsDto } from './dto/upsert-contacts.dto';

@ApiTags('contacts')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('v1/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  /** Creates or updates up to 10,000 contacts by externalId. */
  @Post('batch')
  @BodyLimit(32 * MB) // 10,000 contacts with attributes
  @HttpCode(200)
  @ApiOkResponse({ type: ContactsReceivedDto })
  upsert(@Auth() auth: AuthContext, @Body() body: UpsertContactsDto): Promise<ContactsReceivedDto> {
    return this.contacts.upsert(auth.accountId, body.contacts);
  }

  @Get(':externalId')
  @ApiOkResponse({ type: ContactViewDto })
  get(@Auth() auth: AuthContext, @TextParam('externalId', 191) externalId: string): Promise<ContactViewDto> {
    return this.contacts.get(auth.accountId, externalId);
  }
}
