import { ValidationOptions, ValidateBy } from 'class-validator';
import { isInheritedName } from '@sendgate/domain';
import { formatBytes } from './body-limits';

/** An object whose JSON is at most `max` bytes (the body parser has already bounded its depth). */
export function MaxJsonBytes(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxJsonBytes',
      validator: {
        validate: (value) => value === undefined || value === null || Buffer.byteLength(JSON.stringify(value)) <= max,
        defaultMessage: (args) => `is ${Buffer.byteLength(JSON.stringify(args?.value))} bytes as JSON; at most ${formatBytes(max)}`,
      },
    },
    options,
  );
}

/** Top-level keys that are not names every object inherits (`constructor`, `toString`, `__proto__`, …). */
export function OwnKeyNames(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'ownKeyNames',
      validator: {
        validate: (value) => !value || typeof value !== 'object' || !Object.keys(value).some(isInheritedName),
        defaultMessage: (args) => {
          const name = Object.keys(args?.value ?? {}).find(isInheritedName);
          return `uses the name ${JSON.stringify(name)}, a built-in property of every object`;
        },
      },
    },
    options,
  );
}
