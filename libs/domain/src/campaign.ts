/**
 * A campaign's steps: each one a message sent to the campaign's segment on its own schedule (a
 * Temporal Schedule per step), every execution a sendout in campaign mode, whose gate timeout is
 * fixed at one hour. Checked here before anything is stored; errors name the step and the field.
 */
import type { MessageContent } from './content-template';
import { CAMPAIGN_GATE_TIMEOUT_MS, parseDurationMs } from './gate';
import type { JourneyGate } from './journey-graph';
import { checkContent, checkGate } from './journey-graph';
import type { FieldError } from './segment-filter';

export const MAX_CAMPAIGN_STEPS = 20;
export const MIN_CAMPAIGN_EVERY_MS = 1_000;
export const MAX_CAMPAIGN_EVERY_MS = 366 * 86_400_000;
const STEP_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const STEP_KEYS = ['id', 'integrationId', 'content', 'gate', 'schedule'];
const SCHEDULE_KEYS = ['cron', 'every', 'startAt', 'endAt'];

export enum CampaignState {
  ACTIVE = 'ACTIVE',
  PAUSED = 'PAUSED',
}

/** When a step runs: exactly one of `cron` (5 fields, UTC) or `every` (a duration), within `startAt`…`endAt`. */
export interface CampaignSchedule {
  cron?: string;
  every?: number | string;
  startAt?: string;
  endAt?: string;
}

export interface CampaignStep {
  id: string;
  integrationId: string;
  content: MessageContent;
  gate?: JourneyGate;
  schedule: CampaignSchedule;
}

/** The Temporal Schedule of one step (and the workflow id prefix of its executions). */
export const campaignScheduleId = (campaignId: string, stepId: string): string => `campaign-${campaignId}-step-${stepId}`;

/** Every problem of the steps (none: they are valid). */
export function validateCampaignSteps(steps: unknown): FieldError[] {
  if (!Array.isArray(steps) || steps.length === 0) return [{ field: 'steps', message: 'must be a non-empty array of steps' }];
  if (steps.length > MAX_CAMPAIGN_STEPS) return [{ field: 'steps', message: `has ${steps.length} steps; at most ${MAX_CAMPAIGN_STEPS}` }];
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  steps.forEach((step: unknown, i) => {
    const at = `steps[${i}]`;
    if (!isObject(step)) return void errors.push({ field: at, message: 'must be an object' });
    for (const key of Object.keys(step)) {
      if (!STEP_KEYS.includes(key)) errors.push({ field: `${at}.${key}`, message: 'is not a field of a campaign step' });
    }
    const id = step.id;
    if (typeof id !== 'string' || !STEP_ID.test(id)) {
      errors.push({ field: `${at}.id`, message: 'must be 1 to 64 letters, digits, "-" or "_"' });
    } else if (seen.has(id)) {
      errors.push({ field: `${at}.id`, message: `repeats the id of steps[${seen.get(id)}]: ${JSON.stringify(id)}` });
    } else {
      seen.set(id, i);
    }
    if (typeof step.integrationId !== 'string' || !UUID.test(step.integrationId)) {
      errors.push({ field: `${at}.integrationId`, message: 'must be a UUID' });
    }
    checkContent(step.content, `${at}.content`, errors);
    checkCampaignGate(step.gate, `${at}.gate`, errors);
    checkSchedule(step.schedule, `${at}.schedule`, errors);
  });
  return errors;
}

/** As a journey's gate, but its timeout is the campaign's hour: left out, or exactly one hour. */
function checkCampaignGate(gate: unknown, at: string, errors: FieldError[]): void {
  if (!isObject(gate) || gate.timeout === undefined) return void checkGate(gate, at, errors);
  const { timeout, ...rest } = gate;
  checkGate(rest, at, errors);
  if (parseDurationMs(timeout) !== CAMPAIGN_GATE_TIMEOUT_MS) {
    errors.push({ field: `${at}.timeout`, message: 'is fixed at 1 hour for a campaign; leave it out or give "1h"' });
  }
}

function checkSchedule(schedule: unknown, at: string, errors: FieldError[]): void {
  if (!isObject(schedule)) return void errors.push({ field: at, message: 'must be an object {cron | every, startAt?, endAt?}' });
  for (const key of Object.keys(schedule)) {
    if (!SCHEDULE_KEYS.includes(key)) errors.push({ field: `${at}.${key}`, message: 'is not a field of a schedule' });
  }
  const { cron, every, startAt, endAt } = schedule;
  if ((cron === undefined) === (every === undefined)) {
    errors.push({ field: at, message: 'must have exactly one of cron or every' });
  } else if (cron !== undefined) {
    const problem = cronProblem(cron);
    if (problem) errors.push({ field: `${at}.cron`, message: problem });
  } else {
    const ms = parseDurationMs(every);
    if (ms === undefined || ms < MIN_CAMPAIGN_EVERY_MS || ms > MAX_CAMPAIGN_EVERY_MS) {
      errors.push({
        field: `${at}.every`,
        message: 'must be a duration of at least 1 second and at most 366 days: seconds, or "90s", "15m", "1h", "2d"',
      });
    }
  }
  const start = instant(startAt, `${at}.startAt`, errors);
  const end = instant(endAt, `${at}.endAt`, errors);
  if (start !== undefined && end !== undefined && end <= start) errors.push({ field: `${at}.endAt`, message: 'must be after startAt' });
}

function instant(value: unknown, field: string, errors: FieldError[]): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' && ISO_8601.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    errors.push({ field, message: 'must be an ISO 8601 date and time with its offset, e.g. "2026-12-01T09:00:00Z"' });
    return undefined;
  }
  return ms;
}

/** The five fields of a cron expression: their bounds and the names they accept. */
const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

/**
 * What is wrong with a 5-field cron expression (`*`, numbers, names, ranges `a-b`, steps `/n` and
 * lists `,`), or undefined. Temporal parses it again when the schedule is created.
 */
export function cronProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 200) return 'must be a cron expression of 5 fields, e.g. "0 9 * * MON-FRI"';
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 5) return `must have 5 fields (minute hour day-of-month month day-of-week), not ${fields.length}`;
  for (let f = 0; f < 5; f++) {
    const spec = CRON_FIELDS[f];
    const names: readonly string[] = 'names' in spec ? spec.names : [];
    const number = (text: string): number | undefined => {
      const named = names.indexOf(text.toUpperCase());
      if (named >= 0) return named + (spec.min === 1 ? 1 : 0);
      if (!/^\d{1,2}$/.test(text)) return undefined;
      const n = Number(text);
      return n >= spec.min && n <= spec.max ? n : undefined;
    };
    for (const part of fields[f].split(',')) {
      const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d{1,3}))?$/.exec(part);
      const range = match?.[1].split('-') ?? [];
      const bad =
        !match ||
        (match[2] !== undefined && Number(match[2]) < 1) ||
        (match[1] !== '*' && range.some((r) => number(r) === undefined)) ||
        (range.length === 2 && number(range[0])! > number(range[1])!);
      if (bad) return `has an unreadable ${spec.name} field "${fields[f]}" (${spec.min}-${spec.max}${names.length ? ' or names' : ''})`;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
