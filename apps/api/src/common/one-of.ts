import { Type, applyDecorators } from '@nestjs/common';
import { ApiBody, ApiBodyOptions, ApiExtraModels, ApiProperty, ApiPropertyOptions, SchemaObject, getSchemaPath } from '@nestjs/swagger';
import { Transform, plainToInstance } from 'class-transformer';
import { IsObject, ValidateBy, ValidateNested } from 'class-validator';

/**
 * "One of" bodies (an auth type, a transport): a base class names the property that tells the
 * variants apart, each variant is a DTO extending it. The variant is picked before validation, so
 * whitelisting applies to the variant's own fields; an unknown discriminator is the only error
 * reported (its sibling fields belong to no variant, so naming them would say nothing useful).
 */
const ONE_OF = Symbol('sendgate:one-of');

interface OneOfSpec {
  property: string;
  variants: () => Record<string, Type<object>>;
}

/** On the base class; `message` names the accepted values when the discriminator matches none. */
export function OneOf(property: string, variants: () => Record<string, Type<object>>, message?: string): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(ONE_OF, { property, variants } satisfies OneOfSpec, target);
    ValidateBy({
      name: 'oneOfVariant',
      validator: {
        validate: (value) => typeof value === 'string' && Object.hasOwn(variants(), value),
        defaultMessage: () => message ?? `must be one of ${Object.keys(variants()).join(', ')}`,
      },
    })(target.prototype, property);
  };
}

function specOf(type: unknown): OneOfSpec | undefined {
  return typeof type === 'function' ? Reflect.getOwnMetadata(ONE_OF, type) : undefined;
}

export function isOneOf(type: unknown): type is Type<object> {
  return specOf(type) !== undefined;
}

/**
 * The class to validate `value` (a plain object) against, and the value to give it: the variant its
 * discriminator names, or the base with the discriminator alone.
 */
export function narrowToVariant(
  base: Type<object>,
  value: Record<string, unknown>,
): { type: Type<object>; value: Record<string, unknown> } {
  const { property, variants } = specOf(base)!;
  const key = value[property];
  const variant = typeof key === 'string' && Object.hasOwn(variants(), key) ? variants()[key] : undefined;
  return variant ? { type: variant, value } : { type: base, value: { [property]: key } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The OpenAPI schema of a "one of" base: its variants, with the discriminator's mapping. */
export function oneOfSchema(base: Type<object>): SchemaObject {
  const { property, variants } = specOf(base)!;
  const entries = Object.entries(variants());
  return {
    oneOf: entries.map(([, type]) => ({ $ref: getSchemaPath(type) })),
    discriminator: { propertyName: property, mapping: Object.fromEntries(entries.map(([key, type]) => [key, getSchemaPath(type)])) },
  };
}

function variantModels(base: Type<object>): Type<object>[] {
  return Object.values(specOf(base)!.variants());
}

/** A body that is a "one of" itself (type the parameter as the base: the validation pipe picks the variant). */
export function ApiOneOfBody(base: Type<object>, docs: Omit<ApiBodyOptions, 'type' | 'schema'> = {}): MethodDecorator {
  return applyDecorators(ApiExtraModels(...variantModels(base)), ApiBody({ ...docs, schema: oneOfSchema(base) } as ApiBodyOptions));
}

/** A nested "one of" property: validated as the variant its discriminator names, documented as oneOf. */
export function ValidateOneOf(base: Type<object>, docs: ApiPropertyOptions = {}): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ ...oneOfSchema(base), ...docs } as ApiPropertyOptions),
    (target: object) => ApiExtraModels(...variantModels(base))(target.constructor),
    IsObject(), // ValidateNested alone lets an array through in place of an object
    ValidateNested(),
    // The raw value (`obj`): class-transformer's own copy would drop keys such as "toString".
    Transform(({ obj, key }) => {
      const raw = (obj as Record<string, unknown>)[key];
      if (!isPlainObject(raw)) return raw;
      const { type, value } = narrowToVariant(base, raw);
      return plainToInstance(type, value);
    }),
  );
}
