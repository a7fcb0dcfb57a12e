import type { DatabaseConfig } from '@sendgate/config';

export type { DatabaseConfig };

export function assertNeverConfig(value: never): never {
  throw new Error(`unsupported database configuration: ${JSON.stringify(value)}`);
}
