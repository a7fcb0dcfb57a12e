import { ValueTransformer } from 'typeorm';

/** BIGINT ids come back as strings from some drivers; ours stay below 2^53. */
export const bigintNumber: ValueTransformer = {
  to: (value?: number | null) => value,
  from: (value?: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

/** JSON kept in a TEXT column, so MySQL and SQLite share one schema. */
export const jsonText: ValueTransformer = {
  to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
  from: (value?: string | null) => (value === null || value === undefined ? null : JSON.parse(value)),
};
