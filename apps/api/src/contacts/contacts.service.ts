import { Injectable } from '@nestjs/common';
import { ContactsRepository } from '@sendgate/database';
import { badRequest } from '../common/validation';
import { notFound } from '../common/not-found';
import { ContactDto } from './dto/upsert-contacts.dto';

@Injectable()
export class ContactsService {
  constructor(private readonly contacts: ContactsRepository) {}

  async upsert(accountId: string, contacts: ContactDto[]): Promise<{ received: number }> {
    const seen = new Map<string, number>();
    contacts.forEach((c, i) => {
      if (seen.has(c.externalId)) {
        throw badRequest([
          {
            field: `contacts[${i}].externalId`,
            message: `repeats contacts[${seen.get(c.externalId)}].externalId ${JSON.stringify(c.externalId)}`,
          },
        ]);
      }
      seen.set(c.externalId, i);
    });
    await this.contacts.upsertMany(accountId, contacts);
    return { received: contacts.length };
  }

  async get(accountId: string, externalId: string) {
    const contact = await this.contacts.findByExternalId(accountId, externalId);
    if (!contact) throw notFound('contact', externalId);
    return {
      externalId: contact.externalId,
      email: contact.email,
      phone: contact.phone,
      attributes: contact.attributes ?? {},
      createdAt: contact.createdAt,
      updatedAt: contact.updatedAt,
    };
  }
}
