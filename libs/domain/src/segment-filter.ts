/**
 * Segment filters: `{all|any: [condition | group]}` over contact columns and JSON attributes.
 * Validation reports every problem with its path; compilation produces one SQL predicate with
 * bound parameters, through a small dialect interface so MySQL and SQLite share the logic.
 */
import { isInheritedName } from './json-limits';

export type FilterOp = 'eq' | 'neq' | 'in' | 'exists' | 'gt' | 'lt';
export type Scalar = string | number | boolean;

export interface FilterCondition {
  attribute: string;
  op: FilterOp;
  value?: Scalar | Scalar[];
}
export type FilterGroup = { all: FilterNode[] } | { any: FilterNode[] };
export type FilterNode = FilterCondition | FilterGroup;
export type SegmentFilter = FilterGroup;

export interface FieldError {
  field: string;
  message: string;
}

/** The SQL a dialect contributes: how to read an attribute as text or number and test presence. */
export interface FilterDialect {
  attributeText(column: string, jsonPath: string): string;
  attributeNumber(column: string, jsonPath: string): string;
  attributeExists(column: string, jsonPath: string): string;
}

const OPS: readonly FilterOp[] = ['eq', 'neq', 'in', 'exists', 'gt', 'lt'];
const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Contact fields stored as columns; everything else is looked up in the attributes JSON. */
const COLUMN_FIELDS = new Map([
  ['externalId', 'external_id'],
  ['email', 'email'],
  ['phone', 'phone'],
]);
const MAX_DEPTH = 5;
const MAX_CONDITIONS = 200;
const MAX_IN_VALUES = 1_000;

export function validateSegmentFilter(input: unknown, path = 'filter'): FieldError[] {
  const errors: FieldError[] = [];
  let conditions = 0;

  const visitGroup = (node: unknown, at: string, depth: number): void => {
    if (!isObject(node)) return void errors.push({ field: at, message: 'must be an object with "all" or "any"' });
    const keys = Object.keys(node);
    if (keys.length !== 1 || (keys[0] !== 'all' && keys[0] !== 'any')) {
      return void errors.push({ field: at, message: 'must have exactly one key, "all" or "any"' });
    }
    if (depth > MAX_DEPTH) return void errors.push({ field: at, message: `groups nest at most ${MAX_DEPTH} deep` });
    const key = keys[0];
    const children = (node as Record<string, unknown>)[key];
    if (!Array.isArray(children) || children.length === 0) {
      return void errors.push({ field: `${at}.${key}`, message: 'must be a non-empty array' });
    }
    children.forEach((child, i) => {
      const childPath = `${at}.${key}[${i}]`;
      if (isObject(child) && ('all' in child || 'any' in child)) visitGroup(child, childPath, depth + 1);
      else visitCondition(child, childPath);
    });
  };

  const visitCondition = (node: unknown, at: string): void => {
    conditions += 1;
    if (!isObject(node)) return void errors.push({ field: at, message: 'must be a condition {attribute, op, value} or a group' });
    const { attribute, op, value } = node as Record<string, unknown>;
    if (typeof attribute !== 'string' || !ATTRIBUTE_NAME.test(attribute)) {
      errors.push({ field: `${at}.attribute`, message: 'must be a name of letters, digits and underscores (at most 64)' });
    } else if (isInheritedName(attribute)) {
      errors.push({
        field: `${at}.attribute`,
        message: `${JSON.stringify(attribute)} is reserved: it names a built-in property of every object`,
      });
    }
    if (typeof op !== 'string' || !OPS.includes(op as FilterOp)) {
      return void errors.push({ field: `${at}.op`, message: `must be one of ${OPS.join(', ')}` });
    }
    if (op === 'exists') {
      if (value !== undefined) errors.push({ field: `${at}.value`, message: 'must be absent for op "exists"' });
    } else if (op === 'in') {
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES || !value.every(isScalar)) {
        errors.push({
          field: `${at}.value`,
          message: `must be a non-empty array of at most ${MAX_IN_VALUES} strings, numbers or booleans`,
        });
      }
    } else if (op === 'gt' || op === 'lt') {
      if (typeof value !== 'number' && typeof value !== 'string') {
        errors.push({ field: `${at}.value`, message: `must be a number or a string for op "${op}"` });
      }
    } else if (!isScalar(value)) {
      errors.push({ field: `${at}.value`, message: `must be a string, number or boolean for op "${op}"` });
    }
  };

  visitGroup(input, path, 1);
  if (conditions > MAX_CONDITIONS) errors.push({ field: path, message: `has ${conditions} conditions; at most ${MAX_CONDITIONS}` });
  return errors;
}

/** Compiles a validated filter into a predicate over a contacts table aliased `alias`. */
export function compileSegmentFilter(filter: SegmentFilter, dialect: FilterDialect, alias = 'c'): { sql: string; params: unknown[] } {
  const params: unknown[] = [];

  const group = (node: FilterGroup): string => {
    const [joiner, children] = 'all' in node ? [' AND ', node.all] : [' OR ', node.any];
    return `(${children.map((child) => ('all' in child || 'any' in child ? group(child) : condition(child))).join(joiner)})`;
  };

  const condition = (cond: FilterCondition): string => {
    const column = COLUMN_FIELDS.get(cond.attribute);
    const path = `$.${cond.attribute}`; // safe to inline: the name matched ATTRIBUTE_NAME
    const text = column ? `${alias}.${column}` : dialect.attributeText(`${alias}.attributes`, path);
    const number = column ? `${alias}.${column}` : dialect.attributeNumber(`${alias}.attributes`, path);
    const pick = (value: Scalar) => (typeof value === 'number' ? number : text);
    const bind = (value: Scalar) => {
      params.push(typeof value === 'number' ? value : String(value));
      return '?';
    };
    switch (cond.op) {
      case 'exists':
        return column ? `${alias}.${column} IS NOT NULL` : dialect.attributeExists(`${alias}.attributes`, path);
      case 'eq':
        return `${pick(cond.value as Scalar)} = ${bind(cond.value as Scalar)}`;
      case 'neq': {
        const expr = pick(cond.value as Scalar);
        return `(${expr} IS NULL OR ${expr} <> ${bind(cond.value as Scalar)})`;
      }
      case 'in': {
        const values = cond.value as Scalar[];
        const numbers = values.filter((v): v is number => typeof v === 'number');
        const others = values.filter((v) => typeof v !== 'number');
        const parts: string[] = [];
        if (others.length > 0) parts.push(`${text} IN (${others.map(bind).join(', ')})`);
        if (numbers.length > 0) parts.push(`${number} IN (${numbers.map(bind).join(', ')})`);
        return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
      }
      case 'gt':
        return `${pick(cond.value as Scalar)} > ${bind(cond.value as Scalar)}`;
      case 'lt':
        return `${pick(cond.value as Scalar)} < ${bind(cond.value as Scalar)}`;
      default: {
        const exhaustive: never = cond.op;
        throw new Error(`unknown op ${String(exhaustive)}`);
      }
    }
  };

  return { sql: group(filter), params };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
