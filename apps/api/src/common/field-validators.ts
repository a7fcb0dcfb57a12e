import { ValidateBy, ValidationOptions, isISO8601, isUUID } from 'class-validator';
import { parseDurationMs } from '@sendgate/domain';

/**
 * Field rules as class-validator decorators, each giving one message per bad field (class-validator's
 * own IsString + Length + Matches would stack two or three for one wrong value).
 */

/** A string of `min` to `max` characters. */
export function IsText(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isText',
      validator: {
        validate: (value) => typeof value === 'string' && value.length >= min && value.length <= max,
        defaultMessage: () => `must be a string of ${min} to ${max} characters`,
      },
    },
    options,
  );
}

/** A string matching `pattern`; anything else is left to the field's IsText. */
export function TextMatches(pattern: RegExp, message: string): PropertyDecorator {
  return ValidateBy(
    { name: 'textMatches', validator: { validate: (value) => typeof value !== 'string' || pattern.test(value) } },
    { message },
  );
}

/** A duration: a number of seconds, or "90s", "15m", "1h", "2d"; at most `maxMs`. */
export function IsDuration(maxMs: number, message: string): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDuration',
      validator: {
        validate: (value) => {
          const ms = parseDurationMs(value);
          return ms !== undefined && ms <= maxMs;
        },
      },
    },
    { message },
  );
}

const given = (value: unknown) => value !== undefined && value !== null;

/**
 * Exactly one of `fields` is given. Decorate the first of them, without IsOptional (which would skip
 * this rule when that field is absent); its own shape check then goes in IsUuidIfGiven or the like.
 */
export function ExactlyOneOf(fields: readonly string[]): PropertyDecorator {
  return ValidateBy({
    name: 'exactlyOneOf',
    validator: {
      validate: (_value, args) => fields.filter((field) => given((args?.object as Record<string, unknown>)[field])).length === 1,
      defaultMessage: () => `give exactly one of ${fields.slice(0, -1).join(', ')} or ${fields.at(-1)}`,
    },
  });
}

/** A UUID when given (for a field that cannot be IsOptional, see ExactlyOneOf). */
export function IsUuidIfGiven(): PropertyDecorator {
  return ValidateBy(
    { name: 'isUuidIfGiven', validator: { validate: (value) => !given(value) || isUUID(value) } },
    { message: 'must be a UUID' },
  );
}

/**
 * An ISO 8601 time (strict, as IsISO8601 checks it) within the years a DATETIME column holds
 * (outside them the database refuses the row).
 */
export function IsStorableTime(): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStorableTime',
      validator: {
        validate: (value) => {
          if (!isISO8601(value, { strict: true })) return true; // IsISO8601 says so
          const year = new Date(value).getUTCFullYear();
          return year >= 1000 && year <= 9999;
        },
      },
    },
    { message: 'must be a time between the years 1000 and 9999' },
  );
}
