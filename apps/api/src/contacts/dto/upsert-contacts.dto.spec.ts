import { BadRequestException } from '@nestjs/common';
import { createValidationPipe } from '../../common/validation';
import { UpsertContactsDto } from './upsert-contacts.dto';

describe('a contact batch', () => {
  const sut = createValidationPipe();
  const validate = (value: unknown) => sut.transform(value, { type: 'body', metatype: UpsertContactsDto });

  it('takes addresses with surrounding spaces, trimmed, and a blank or null address as none', async () => {
    const batch = (await validate({
      contacts: [
        { externalId: 'a', email: '  Ada@Example.com ', phone: ' +447700900123 ' },
        { externalId: 'b', email: '', phone: '   ' },
        { externalId: 'c', email: null, phone: null },
      ],
    })) as UpsertContactsDto;

    expect(batch.contacts.map((c) => [c.email, c.phone])).toEqual([
      ['Ada@Example.com', '+447700900123'],
      [null, null],
      [null, null],
    ]);
  });

  it('still refuses an address that is not one, naming the field', async () => {
    const error = await validate({ contacts: [{ externalId: 'a', email: ' nope ', phone: '07700 900123' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    const fields = ((error as BadRequestException).getResponse() as { errors: Array<{ field: string }> }).errors.map((e) => e.field);
    expect(fields).toEqual(['contacts[0].email', 'contacts[0].phone']);
  });
});
