import { ArgumentMetadata, BadRequestException, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { FieldError } from '@sendgate/domain';
import { isOneOf, narrowToVariant } from './one-of';

const MESSAGE_ERRORS = 10;
const LISTED_ERRORS = 1_000;

/** 400 body: a readable message naming the first bad fields, and the problems by field (the first thousand). */
export function badRequest(errors: FieldError[]): BadRequestException {
  const more = errors.length > MESSAGE_ERRORS ? ` (and ${errors.length - MESSAGE_ERRORS} more)` : '';
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message:
      errors
        .slice(0, MESSAGE_ERRORS)
        .map((e) => `${e.field} ${e.message}`)
        .join('; ') + more,
    errors: errors.slice(0, LISTED_ERRORS),
  });
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? (/^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: stripProperty(message, error.property) }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** class-validator repeats the property name at the start of its messages; we name the full path instead. */
function stripProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/**
 * A body bound to a DTO must be a JSON object (or absent): class-validator would otherwise validate an
 * array element by element (a 100,000-element array gives as many errors) or a string as an empty object.
 * Keys that Nest's pipe deletes without a word (`constructor`, `prototype`) are refused by name instead.
 * A body typed as a "one of" base (see one-of.ts) is validated as the variant it names.
 * Whether an absent body passes depends on its class alone: once one has, the next ones of that class
 * skip class-validator (whose per-call metadata lookup is the costliest step of a body-less POST,
 * such as a reject storm's).
 */
class ApiValidationPipe extends ValidationPipe {
  private readonly validWithoutBody = new WeakSet<Type>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && this.toValidate(metadata)) {
      const nil = value === undefined || value === null; // validated as {}: a body-less POST names its missing fields
      const metatype = metadata.metatype!;
      if (nil && this.validWithoutBody.has(metatype)) return plainToInstance(metatype, {});
      if (!nil && (typeof value !== 'object' || Array.isArray(value)))
        throw badRequest([{ field: '(body)', message: 'must be a JSON object' }]);
      const stripped = findStrippedKey(value);
      if (stripped)
        throw badRequest([
          { field: stripped.field, message: `uses the name ${JSON.stringify(stripped.key)}, a built-in property of every object` },
        ]);
      if (isOneOf(metadata.metatype)) {
        const { type, value: narrowed } = narrowToVariant(metadata.metatype, (value ?? {}) as Record<string, unknown>);
        return super.transform(narrowed, { ...metadata, metatype: type });
      }
      if (nil) {
        const passed = await super.transform(value, metadata);
        this.validWithoutBody.add(metatype);
        return passed;
      }
    }
    return super.transform(value, metadata);
  }
}

const STRIPPED_KEYS = new Set(['constructor', 'prototype']);

/** Depth is bounded by the body parser, so plain recursion is safe here. */
function findStrippedKey(value: unknown, path = '(body)'): { field: string; key: string } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const entries = Array.isArray(value)
    ? value.map((item, i) => [`[${i}]`, item] as const)
    : Object.entries(value).map(([k, v]) => [k, v] as const);
  for (const [key, item] of entries) {
    if (!Array.isArray(value) && STRIPPED_KEYS.has(key)) return { field: path, key };
    const found = findStrippedKey(item, Array.isArray(value) ? `${path}${key}` : path === '(body)' ? key : `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => badRequest(flattenValidationErrors(errors)),
  });
}
