/** Inputs, results, signals and queries of the sendout workflow: ids and counts only. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { GateState } from '../libs/domain/src/gate';
import type { MessageCounts, SendoutStage } from '../libs/domain/src/states';

export interface SendoutTuningInput {
  generatePageSize: number;
  sendPageSize: number;
  sendWindow: number;
  sendConcurrency: number;
  heartbeatTimeoutMs: number;
  /** Continue as new once the history is this long (absent in runs started before it existed: 5,000). */
  continueAsNewAfterEvents?: number;
  /** Re-read the gate's decision this often while waiting (absent in runs started before it existed: 60 s). */
  gateRereadMs?: number;
}

/**
 * The largest listed audience a sendout sends inline (`SendoutWorkflowInput.inline`): a page of
 * this many messages posts in well under a second at the default concurrency.
 */
export const INLINE_CONTACTS = 100;

/**
 * The task queue inline sendouts run on, beside the deployment's own (`taskQueue`): every worker
 * polls both, each with its own workflow task slots. An inline page holds its workflow task while
 * it posts, so a burst of them to an ESP that answers slowly can hold every slot of the queue it
 * runs on; on their own queue they hold up other inline sendouts at most, never a bulk sendout, a
 * gate or a journey.
 */
export function inlineTaskQueue(taskQueue: string): string {
  return `${taskQueue}-inline`;
}

export interface SendoutWorkflowInput {
  sendoutId: string;
  tuning: SendoutTuningInput;
  /** Hold the messages at a send gate for at most `timeoutMs`; `split` reports the three paths. */
  gate?: { timeoutMs: number; split: boolean };
  /** Send accepted messages no earlier than this (epoch ms). */
  sendAt?: number;
  /**
   * Held before sending until resumed (absent: not paused). Set by continue-as-new, with `sendAt`,
   * to the schedule in force when the run continued.
   */
  paused?: boolean;
  /**
   * The sendout reports to feedback webhooks: before it completes, the fan-out step delivers the
   * events its own steps queued (absent in runs started before it existed: no fan-out).
   */
  feedback?: boolean;
  /**
   * A listed audience small enough to send in the workflow task (at most INLINE_CONTACTS: an email
   * API request): pages, completion and the feedback fan-out run as local activities, not through
   * the task queue; generation stays an activity (absent: every step an activity).
   */
  inline?: boolean;
  /** Set by continue-as-new: where the previous run stopped. */
  resume?: SendoutResume;
}

/**
 * Where a previous run stopped: waiting at the gate (until `gateExpiresAtMs`), or sending after
 * `afterMessageId`. Runs continued before `phase` existed were sending.
 */
export interface SendoutResume {
  phase?: 'gate' | 'send';
  afterMessageId: number;
  generated: number;
  sent: number;
  failed: number;
  paths?: GatePaths;
  gateExpiresAtMs?: number;
}

export interface GatePaths {
  accepted: number;
  rejected: number;
  timedOut: number;
}

export interface SendoutProgress {
  stage: SendoutStage;
  generated: number;
  sent: number;
  failed: number;
  pagesInFlight: number;
  pagesDone: number;
  gate?: { state: GateState; expiresAt?: string } & Partial<GatePaths>;
  /** The schedule in force: when to send (ISO 8601) and whether the client paused it. */
  schedule?: SendoutSchedule;
}

/** When a sendout sends: `sendAt` as ISO 8601 (absent: as soon as it may), and whether it is held. */
export interface SendoutSchedule {
  sendAt?: string;
  paused: boolean;
}

/** A change to the schedule: a new `sendAt` (epoch ms), a pause (`paused: true`) or a resume. */
export interface SendoutScheduleChange {
  sendAt?: number;
  paused?: boolean;
}

export interface SendoutResult {
  sendoutId: string;
  stage: SendoutStage;
  counts: MessageCounts;
  /** The three-way split, when the gate's `split` is on. */
  paths?: GatePaths;
}

export const progressQuery = defineQuery<SendoutProgress>('progress');

/**
 * Reschedules, pauses or resumes a sendout that has not started sending; answers the schedule now
 * in force, once it is stored in the database. Refused (the validator throws) once sending started
 * or the sendout finished.
 */
export const scheduleUpdate = defineUpdate<SendoutSchedule, [SendoutScheduleChange]>('schedule');

/** A wake-up after a gate decision was committed to the database; it carries nothing. */
export const gateDecidedSignal = defineSignal('gateDecided');
