import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { CreateSendoutDto } from '../sendouts/dto/create-sendout.dto';
import { createValidationPipe } from './validation';

/** The sendout body's field rules, through the API's own validation pipe. */
describe('a sendout body', () => {
  const sut = createValidationPipe();
  const metadata: ArgumentMetadata = { type: 'body', metatype: CreateSendoutDto };
  const valid = {
    projectId: '0b7c5a52-3f2e-4c55-9d6b-6f1a2b3c4d5e',
    name: 'x',
    segmentId: '1b7c5a52-3f2e-4c55-9d6b-6f1a2b3c4d5e',
    integrationId: '2b7c5a52-3f2e-4c55-9d6b-6f1a2b3c4d5e',
    content: { text: 'x' },
  };

  async function errors(body: Record<string, unknown>): Promise<Array<{ field: string; message: string }>> {
    try {
      await sut.transform(body, metadata);
      return [];
    } catch (error) {
      if (error instanceof BadRequestException)
        return (error.getResponse() as { errors: Array<{ field: string; message: string }> }).errors;
      throw error;
    }
  }

  describe('when it names its audience', () => {
    it('takes a segment or a list of contacts', async () => {
      expect(await errors(valid)).toEqual([]);
      expect(await errors({ ...valid, segmentId: undefined, contactIds: ['a'] })).toEqual([]);
    });

    it.each([
      ['both', { contactIds: ['a'] }],
      ['neither', { segmentId: undefined }],
      ['a null segment and no contacts', { segmentId: null }],
    ])('refuses %s, naming segmentId', async (_, change) => {
      expect(await errors({ ...valid, ...change })).toEqual([
        { field: 'segmentId', message: 'give exactly one of segmentId or contactIds' },
      ]);
    });

    it('refuses a segmentId that is not a UUID', async () => {
      expect(await errors({ ...valid, segmentId: 'seg-1' })).toEqual([{ field: 'segmentId', message: 'must be a UUID' }]);
    });
  });

  describe('when it has a gate timeout', () => {
    it.each([[90], ['90s'], ['15m'], ['1h'], ['2d'], ['30d']])('takes %p', async (timeout) => {
      expect(await errors({ ...valid, gate: { enabled: true, timeout } })).toEqual([]);
    });

    it.each([['soon'], [0], [-5], ['31d'], [null], [{}], ['']])('refuses %p, naming gate.timeout', async (timeout) => {
      expect(await errors({ ...valid, gate: { enabled: true, timeout } })).toEqual([
        { field: 'gate.timeout', message: 'must be a duration: seconds, or "90s", "15m", "1h", "2d" (at most 30 days)' },
      ]);
    });
  });

  describe('when it is scheduled', () => {
    it.each([['0999-12-31T23:59:59Z'], ['0100-06-01T00:00:00Z']])('refuses %s, a time the database cannot hold', async (sendAt) => {
      expect(await errors({ ...valid, sendAt })).toEqual([{ field: 'sendAt', message: 'must be a time between the years 1000 and 9999' }]);
    });

    it.each([['tomorrow'], ['0001-01-01T00:00:00Z']])('names an unreadable time (%s) once', async (sendAt) => {
      expect((await errors({ ...valid, sendAt })).map((e) => e.field)).toEqual(['sendAt']);
    });
  });
});
