/**
 * When a sendout may start sending: its `sendAt` and whether the client paused it. Both may change
 * (the `schedule` update) until the run passes its schedule step; a change that arrives while the
 * sendout is still generating or at its gate is kept and honoured when it gets there.
 * Deterministic: workflow code only.
 */
import { condition } from '@temporalio/workflow';
import type { SendoutSchedule, SendoutScheduleChange } from './sendout.messages';

/** before: not there yet; waiting: at the schedule step; legacy: a run that slept there under older code; passed: sending or done. */
type ScheduleStep = 'before' | 'waiting' | 'legacy' | 'passed';

export class ScheduleHold {
  sendAt?: number;
  paused: boolean;
  private step: ScheduleStep = 'before';
  private changed = false;

  constructor(input: { sendAt?: number; paused?: boolean }) {
    this.sendAt = input.sendAt;
    this.paused = input.paused ?? false;
  }

  /** Why a change cannot be made now, or undefined when it can. */
  refusal(change: SendoutScheduleChange): string | undefined {
    if (change.sendAt === undefined && change.paused === undefined) return 'the change sets neither sendAt nor paused';
    if (change.sendAt !== undefined && !Number.isFinite(change.sendAt)) return 'sendAt is not a time';
    if (change.paused !== undefined && typeof change.paused !== 'boolean') return 'paused is not a boolean';
    if (this.step === 'passed') return 'the sendout has already started sending';
    if (this.step === 'legacy') return 'the sendout was scheduled by an older version of Sendgate and cannot be changed';
    return undefined;
  }

  apply(change: SendoutScheduleChange): void {
    if (change.sendAt !== undefined) this.sendAt = change.sendAt;
    if (change.paused !== undefined) this.paused = change.paused;
    this.changed = true;
  }

  view(): SendoutSchedule {
    return { ...(this.sendAt !== undefined ? { sendAt: new Date(this.sendAt).toISOString() } : {}), paused: this.paused };
  }

  /** Whether the run must stop at the schedule step (a paused sendout without sendAt holds too). */
  holds(): boolean {
    return this.paused || (this.sendAt !== undefined && this.sendAt > Date.now());
  }

  /**
   * Waits until the sendout is due and not paused: one timer until `sendAt` (none while paused),
   * re-armed after each change. Answers with the step passed, so no later change is accepted.
   */
  async wait(): Promise<void> {
    this.step = 'waiting';
    while (this.holds()) {
      this.changed = false;
      if (this.paused || this.sendAt === undefined) await condition(() => this.changed);
      else await condition(() => this.changed, this.sendAt - Date.now());
    }
    this.step = 'passed';
  }

  /** The schedule step of runs that reached it before schedules could change: one plain sleep. */
  enterLegacy(): void {
    this.step = 'legacy';
  }

  pass(): void {
    this.step = 'passed';
  }
}
