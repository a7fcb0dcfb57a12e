import { BadRequestException } from '@nestjs/common';
import { IsOptional, IsString } from 'class-validator';
import { createValidationPipe } from './validation';

class OptionalReason {
  @IsOptional()
  @IsString()
  reason?: string;
}

class RequiredName {
  @IsString()
  name: string;
}

describe('the validation pipe', () => {
  const sut = createValidationPipe();
  const body = (metatype: new () => object) => ({ type: 'body' as const, metatype });

  describe('when a body-less request comes again', () => {
    it('answers a fresh instance each time for a class whose fields are all optional', async () => {
      const first = await sut.transform(undefined, body(OptionalReason));
      const second = await sut.transform(undefined, body(OptionalReason));

      expect(first).toBeInstanceOf(OptionalReason);
      expect(second).toBeInstanceOf(OptionalReason);
      expect(second).not.toBe(first);
      expect(second).toEqual({});
    });

    it('names the missing field each time for a class that requires one', async () => {
      for (let i = 0; i < 2; i++) {
        const error = await sut.transform(undefined, body(RequiredName)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BadRequestException);
        expect((error as BadRequestException).getResponse()).toMatchObject({ errors: [{ field: 'name' }] });
      }
    });

    it('still validates a body that is given', async () => {
      await sut.transform(undefined, body(OptionalReason));

      await expect(sut.transform({ reason: 42 }, body(OptionalReason))).rejects.toBeInstanceOf(BadRequestException);
      await expect(sut.transform({ reason: 'no consent' }, body(OptionalReason))).resolves.toEqual({ reason: 'no consent' });
    });
  });
});
