/**
 * The send gate's vocabulary and its pure rules (who moves a gate between states: docs/architecture.md,
 * Gate states). The workflow bundle imports this file by path, so it stays free of I/O and Node built-ins.
 */
import { countOnPaths, countOnPathsAndExcluded } from './journey-audience';
import { MessageCounts, MessageState } from './states';
export enum GateState {
  OPEN = 'OPEN',
  ACCEPTED = 'ACCEPTED',
  TIMED_OUT = 'TIMED_OUT',
  CANCELED = 'CANCELED',
}

export enum SendoutMode {
  JOURNEY = 'journey',
  CAMPAIGN = 'campaign',
}

export enum SendoutKind {
  BATCH = 'batch',
  SINGLE = 'single',
}

/** The three paths of the split, with the message state each one holds. */
export const GATE_PATHS = { accepted: MessageState.ACCEPTED, rejected: MessageState.REJECTED, timedOut: MessageState.TIMED_OUT } as const;
export type GatePath = keyof typeof GATE_PATHS;

/** The campaign manager's gate timeout is always one hour. */
export const CAMPAIGN_GATE_TIMEOUT_MS = 3_600_000;
export const DEFAULT_GATE_TIMEOUT_MS = 3_600_000;
export const MAX_GATE_TIMEOUT_MS = 30 * 24 * 3_600_000;

/** Reads a duration: a number of seconds, or "<n>ms|s|m|h|d". Undefined when unreadable. */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) return undefined;
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  const ms = Math.round(Number(match[1]) * unit);
  return ms > 0 ? ms : undefined;
}

/** Project actions first, then the sendout's own: merged, never replacing (a repeated id keeps the project's). */
export function mergeGateActions(project: GateAction[], sendout: GateAction[]): GateAction[] {
  const ids = new Set(project.map((a) => a.id));
  return [...project, ...sendout.filter((a) => !ids.has(a.id))];
}

export interface GateAction {
  id: string;
  [key: string]: any;
}

/** The three paths of the split, from the message counts: accepted (and everything after), rejected, timed out. */
export function gatePaths(counts: MessageCounts): Record<GatePath, number> {
  return countOnPaths(counts, ['accepted', 'rejected', 'timedOut']);
}

/**
 * What a sendout's view lists and counts by path: the split's three, and the contacts excluded at
 * generation for want of an address, which never reached the gate and go on no journey path.
 */
export const SENDOUT_PATHS = { ...GATE_PATHS, excluded: MessageState.EXCLUDED } as const;
export type SendoutPath = keyof typeof SENDOUT_PATHS;

export function sendoutPaths(counts: MessageCounts): Record<SendoutPath, number> {
  return countOnPathsAndExcluded(counts, ['accepted', 'rejected', 'timedOut']);
}
