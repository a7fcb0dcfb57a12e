/**
 * The benchmarks' figures as JSON: one file (BENCH_RESULTS, default bench/results/latest.json) that
 * every bench of a run merges its own section into, so a person or a script can compare runs
 * without reading the printed tables. Each section keeps the run it came from and the machine it
 * ran on, so the file holds the latest figures of every bench even when a run ran only some.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Sql } from '../libs/database/src/sql';

/** The repository: two levels up from dist/bench/. */
export const ROOT = resolve(__dirname, '../..');

export type Figures = Record<string, number | string | boolean | null>;

/** A goal of the issue: `value` compared to `target`, and whether it is met. */
export interface Goal {
  value: number;
  op: '<=' | '>=';
  target: number;
  met: boolean;
  /** What the value is, in words, when the key alone does not say it. */
  note?: string;
}

export interface BenchSection {
  /** Raw numbers, the unit in each key's name (`send_msgs_per_s`, `end_to_end_s`, `worker_rss_max_mib`). */
  figures: Figures;
  /** Each figure divided by its baseline measured in the same run. */
  ratios?: Record<string, number>;
  goals?: Record<string, Goal>;
  /** Bench-specific detail (the million bench's per-second samples and phases, for the chart). */
  [extra: string]: unknown;
}

export interface Machine {
  cores: number;
  cpu: string;
  memory_gib: number;
  node: string;
  os: string;
  database: string;
  temporal_cli?: string;
}

export interface ResultsFile {
  updatedAt: string;
  benches: Record<string, BenchSection & { name: string; runAt: string; machine: Machine }>;
}

export function goal(value: number, op: Goal['op'], target: number, note?: string): Goal {
  const met = Number.isFinite(value) && (op === '<=' ? value <= target : value >= target);
  return { value, op, target, met, ...(note ? { note } : {}) };
}

export function resultsPath(): string {
  return resolve(ROOT, process.env.BENCH_RESULTS ?? 'bench/results/latest.json');
}

export async function machineInfo(sql: Sql): Promise<Machine> {
  const version = await sql.one<{ v: string }>('SELECT VERSION() AS v');
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${process.platform} ${release()}`,
    database: version?.v ?? 'unknown',
    ...(process.env.BENCH_TEMPORAL_CLI_VERSION ? { temporal_cli: process.env.BENCH_TEMPORAL_CLI_VERSION } : {}),
  };
}

/** Merges `section` as `name` into the results file (written whole to a temporary file, then renamed); answers its path. */
export async function recordResults(sql: Sql, name: string, section: BenchSection): Promise<string> {
  const path = resultsPath();
  const file: ResultsFile = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : { updatedAt: '', benches: {} };
  const runAt = process.env.BENCH_RUN_AT ?? new Date().toISOString();
  file.updatedAt = new Date().toISOString();
  file.benches[name] = { name, runAt, machine: await machineInfo(sql), ...section };
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${process.pid}.tmp`);
  writeFileSync(temporary, `${toJson(file)}\n`);
  renameSync(temporary, path);
  console.log(`figures written to ${path} (${name})`);
  return path;
}

const ONE_LINE = 200;

/**
 * JSON indented like JSON.stringify(value, null, 2), except that an object or array holding only
 * plain values goes on one line when that line fits in ONE_LINE characters: a second of samples is one
 * line, so a run's file stays short to read and to diff.
 */
export function toJson(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = indent + '  ';
  const plain = Object.values(value).every((v) => v === null || typeof v !== 'object');
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const line = `[${value.map((v) => JSON.stringify(v) ?? 'null').join(', ')}]`;
    if (plain && indent.length + line.length <= ONE_LINE) return line;
    return `[\n${value.map((v) => inner + toJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const line = `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v) ?? 'null'}`).join(', ')} }`;
  if (plain && indent.length + line.length <= ONE_LINE) return line;
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${toJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** Rounds for the JSON: rates and times to 3 significant decimals, so the file stays readable. */
export function round(value: number, decimals = 3): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
