import { Param, ParseUUIDPipe, PipeTransform } from '@nestjs/common';
import { badRequest } from './validation';

/**
 * Path ids are checked before any query: an id of the wrong shape is a 400 naming it, not a
 * database miss (or a database error, for one longer than its column).
 */
export const UuidParam = (name = 'id'): ParameterDecorator =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => badRequest([{ field: name, message: 'must be a UUID' }]) }));

/** A path segment that is stored in a column of `max` characters. */
export const TextParam = (name: string, max: number): ParameterDecorator => Param(name, new MaxLengthPipe(name, max));

class MaxLengthPipe implements PipeTransform<string, string> {
  constructor(
    private readonly name: string,
    private readonly max: number,
  ) {}

  transform(value: string): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > this.max) {
      throw badRequest([{ field: this.name, message: `must be 1 to ${this.max} characters` }]);
    }
    return value;
  }
}

/** A path segment that is one of `values` (a channel, a state). */
export const OneOfParam = (name: string, values: readonly string[]): ParameterDecorator => Param(name, new OneOfPipe(name, values));

class OneOfPipe implements PipeTransform<string, string> {
  constructor(
    private readonly name: string,
    private readonly values: readonly string[],
  ) {}

  transform(value: string): string {
    if (!this.values.includes(value)) throw badRequest([{ field: this.name, message: `must be one of ${this.values.join(', ')}` }]);
    return value;
  }
}

/** A path segment that is a row's serial id (a positive integer). */
export const SerialParam = (name: string): ParameterDecorator => Param(name, new SerialPipe(name));

class SerialPipe implements PipeTransform<string | number, number> {
  constructor(private readonly name: string) {}

  /** The global pipe may have made a number of it already (NaN for anything else). */
  transform(value: string | number): number {
    const text = String(value);
    if (!/^[1-9][0-9]{0,14}$/.test(text)) throw badRequest([{ field: this.name, message: 'must be a positive integer' }]);
    return Number(text);
  }
}
