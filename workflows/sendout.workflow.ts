/**
 * One sendout, durably: generate its messages, hold them at the send gate until the integrator
 * accepts or the deadline passes, wait for the scheduled time, then send them in pages with a
 * sliding window of page activities in flight. Control flow only: every row lives in the
 * database, and the workflow carries ids and counts.
 *
 * Runs stay open for weeks and are replayed by whatever worker is deployed meanwhile: a change to
 * the commands this code issues goes behind `patched('<id>')` (docs/workflow-versioning.md lists
 * the rule and the patches in force), and test/replay/ replays recorded histories against it.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { TemporalFailure } from '@temporalio/common';
import type { ClosedGate, SendoutActivities, StartSending } from '../activities';
import { GateState } from '../libs/domain/src/gate';
import { SendoutStage } from '../libs/domain/src/states';
import { GateStateKey, SendoutStageKey } from './search-attributes';
import { Activities, activitiesFor, DEFAULT_EVENTS_BEFORE_CONTINUE, firstPlanPages, historyIsLong, sendPages } from './sendout-pages';
import {
  ACCEPT_STARTS_SENDING,
  BULK_SCHEDULE,
  FEEDBACK_FANOUT,
  FEEDBACK_WHILE_SENDING,
  GATE_REREADS,
  INLINE_STEPS,
  QUICK_ACCEPT,
  SKIP_EXCLUDED_GATE,
} from './sendout-patches';
import { ScheduleHold } from './sendout-schedule';
import {
  gateDecidedSignal,
  progressQuery,
  scheduleUpdate,
  SendoutProgress,
  SendoutResult,
  SendoutResume,
  SendoutSchedule,
  SendoutScheduleChange,
  SendoutWorkflowInput,
} from './sendout.messages';

const DEFAULT_GATE_REREAD_MS = 60_000;

export async function sendoutWorkflow(input: SendoutWorkflowInput): Promise<SendoutResult> {
  const run = new SendoutRun(input);
  try {
    return await run.execute();
  } catch (error) {
    if (isCancellation(error)) {
      await run.cancel();
    } else if (error instanceof TemporalFailure) {
      // An activity out of retries or refused for good: the sendout stops counting as running.
      // (A plain Error is a bug in workflow code: Temporal retries the task until a fix is deployed.)
      await run.fail(error);
    }
    throw error; // the Web UI shows the workflow as cancelled or failed
  }
}

/** The state of one workflow run and its steps; `execute` is the whole flow. */
class SendoutRun {
  readonly acts: Activities;
  /** A small listed audience: its steps run as local activities (`activitiesFor`). */
  readonly inline: boolean;
  readonly progress: SendoutProgress;
  readonly wake = { gate: false };
  readonly phase: 'generate' | 'gate' | 'send';
  readonly schedule: ScheduleHold;
  /** Schedule changes are stored one after the other, so the database ends with the latest. */
  private storing: Promise<unknown> = Promise.resolve();
  /** An accepted batch's release, under way beside its first pages; settled before the run ends or continues. */
  private releasing?: Promise<unknown>;

  constructor(readonly input: SendoutWorkflowInput) {
    const { resume } = input;
    this.inline = input.inline === true && patched(INLINE_STEPS);
    this.acts = activitiesFor(input.tuning, this.inline);
    this.phase = resume ? (resume.phase ?? 'send') : 'generate';
    this.progress = {
      stage: { generate: SendoutStage.CREATED, gate: SendoutStage.GATED, send: SendoutStage.SENDING }[this.phase],
      generated: resume?.generated ?? 0,
      sent: resume?.sent ?? 0,
      failed: resume?.failed ?? 0,
      pagesInFlight: 0,
      pagesDone: 0,
      ...(resume?.paths ? { gate: { state: GateState.ACCEPTED, ...resume.paths } } : {}),
    };
    this.schedule = new ScheduleHold(input);
    setHandler(progressQuery, () => ({ ...this.progress, schedule: this.schedule.view() }));
    setHandler(gateDecidedSignal, () => void (this.wake.gate = true));
    setHandler(scheduleUpdate, (change) => this.changeSchedule(change), {
      validator: (change) => {
        const refusal = this.phase === 'send' || isOver(this.progress.stage) ? 'the sendout has already started sending' : undefined;
        const why = refusal ?? this.schedule.refusal(change);
        if (why) throw ApplicationFailure.nonRetryable(why, 'ScheduleChangeRefused');
      },
    });
  }

  async execute(): Promise<SendoutResult> {
    const { sendoutId, tuning, gate, sendAt } = this.input;
    if (this.phase === 'generate') {
      await this.enterStage(SendoutStage.GENERATING);
      const generation = await this.acts.long.generateMessages({ sendoutId, pageSize: tuning.generatePageSize });
      this.progress.generated = generation.generated;
      // nothing for an integrator to decide: no webhook, no wait for a timeout
      const allExcluded = generation.generated > 0 && generation.excluded === generation.generated;
      if (gate && allExcluded && patched(SKIP_EXCLUDED_GATE)) return this.complete();
      if (gate) await this.enterStage(SendoutStage.GATED);
    }
    // The first pages, when the gate's close entered SENDING and planned them
    let firstPages: ClosedGate['firstPages'];
    if (this.phase !== 'send') {
      if (gate) {
        const outcome = await this.passGate(gate.timeoutMs);
        if (outcome.state !== GateState.ACCEPTED) return this.complete();
        if (outcome.released === false) {
          this.releasing = this.acts.long.releaseAcceptedGate({ sendoutId });
          this.releasing.catch(() => undefined); // awaited after sending; a cancel meanwhile must not leave it unhandled
        }
        firstPages = outcome.firstPages;
      }
      // A schedule set while the gate closed holds the sendout all the same: it enters SENDING again after.
      if (await this.waitForSchedule(sendAt)) firstPages = undefined;
      if (firstPages) this.setStage(SendoutStage.SENDING);
      else await this.enterStage(SendoutStage.SENDING);
    }
    const follower = this.followFeedback();
    let stoppedAt: number | undefined;
    try {
      stoppedAt = await sendPages(this.input, this.acts, this.progress, firstPages);
    } finally {
      // also when sending stops on a cancel or a failure: no activity of the run is left running
      await follower?.stop();
    }
    await this.releasing;
    if (stoppedAt !== undefined) return this.continueAs({ phase: 'send', afterMessageId: stoppedAt });
    return this.complete();
  }

  /**
   * Holds the sendout in SCHEDULED until its time, or while paused; answers whether it held. Runs
   * that got here under older code slept once until the input's `sendAt` and cannot be changed.
   */
  private async waitForSchedule(sendAt: number | undefined): Promise<boolean> {
    let held = false;
    if (patched(BULK_SCHEDULE)) {
      if (this.schedule.holds()) {
        held = true;
        await this.enterStage(SendoutStage.SCHEDULED);
        await this.schedule.wait();
      }
    } else if (sendAt !== undefined && sendAt > Date.now()) {
      held = true;
      this.schedule.enterLegacy();
      await this.enterStage(SendoutStage.SCHEDULED);
      await sleep(sendAt - Date.now());
    }
    this.schedule.pass();
    return held;
  }

  /** The `schedule` update (its validator passed): applied at once, answered once stored. */
  private async changeSchedule(change: SendoutScheduleChange): Promise<SendoutSchedule> {
    this.schedule.apply(change);
    const store = () =>
      this.acts.local.saveSendoutSchedule({ sendoutId: this.input.sendoutId, sendAt: this.schedule.sendAt, paused: this.schedule.paused });
    const stored = this.storing.then(store);
    this.storing = stored.catch(() => undefined);
    await stored;
    return this.schedule.view();
  }

  /** An operator cancelled: nothing more is claimed or sent; what was not sent becomes CANCELED. */
  async cancel(): Promise<void> {
    await CancellationScope.nonCancellable(() => this.acts.short.cancelSendout({ sendoutId: this.input.sendoutId }));
    this.closeOpenGate(GateState.CANCELED);
    this.setStage(SendoutStage.CANCELED);
  }

  /** The run failed: the sendout becomes FAILED with the reason, and what was not sent FAILED too. */
  async fail(error: TemporalFailure): Promise<void> {
    const reason = (error instanceof ActivityFailure && error.cause ? error.cause.message : error.message).slice(0, 1_000);
    await CancellationScope.nonCancellable(() => this.acts.short.failSendout({ sendoutId: this.input.sendoutId, reason }));
    this.closeOpenGate(GateState.CANCELED);
    this.setStage(SendoutStage.FAILED);
  }

  /**
   * Opens the gate (unless a previous run did) and waits until a decision wakes the workflow or the
   * deadline passes, while the webhook is delivered (and retried) alongside. The database settles
   * accept versus timeout; it is re-read periodically, so a decision whose wake-up signal was lost
   * (Temporal down, the API crashed between commit and signal) is honoured within that period.
   */
  private async passGate(timeoutMs: number): Promise<ClosedGate & { released: boolean }> {
    const { sendoutId, tuning, resume } = this.input;
    const setGate = (state: GateState) => upsertSearchAttributes([{ key: GateStateKey, value: state }]);
    setGate(GateState.OPEN);
    const gate =
      resume?.gateExpiresAtMs !== undefined
        ? { state: GateState.OPEN, expiresAtMs: resume.gateExpiresAtMs }
        : await this.acts.short.openGate({ sendoutId, timeoutMs });
    this.progress.gate = { state: gate.state, expiresAt: new Date(gate.expiresAtMs).toISOString() };

    const notifyScope = new CancellationScope();
    const remaining = () => Math.max(0, gate.expiresAtMs - Date.now());
    const notifying = notifyScope
      .run(() =>
        proxyActivities<SendoutActivities>({
          scheduleToCloseTimeout: Math.max(1_000, remaining()),
          startToCloseTimeout: '30s',
          retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
        }).notifyGate({ sendoutId }),
      )
      .catch(() => undefined); // undelivered by the deadline: the gate simply times out

    const rereads = patched(GATE_REREADS);
    const quick = patched(QUICK_ACCEPT);
    const wake = this.wake;
    let outcome: ClosedGate;
    for (;;) {
      const wait = rereads ? Math.min(remaining(), tuning.gateRereadMs ?? DEFAULT_GATE_REREAD_MS) : remaining();
      const signalled = wait > 0 && (await condition(() => wake.gate, wait));
      wake.gate = false; // before the state is read, so a signal arriving meanwhile wakes the next wait
      if (rereads && !signalled && remaining() > 0) {
        // A periodic re-read: cheap, and only a decision found in the database closes the gate.
        if ((await this.acts.local.readGateState({ sendoutId })) === GateState.OPEN) {
          if (historyIsLong(tuning.continueAsNewAfterEvents ?? DEFAULT_EVENTS_BEFORE_CONTINUE)) {
            notifyScope.cancel();
            await notifying;
            return this.continueAs({ phase: 'gate', afterMessageId: 0, gateExpiresAtMs: gate.expiresAtMs });
          }
          continue;
        }
      }
      const deadlinePassed = rereads ? remaining() <= 0 : !signalled;
      outcome = quick
        ? await this.acts.local.closeGate({ sendoutId, deadlinePassed, releaseAccepted: false, startSending: this.startSending() })
        : await this.acts.short.closeGate({ sendoutId, deadlinePassed });
      if (outcome.state !== GateState.OPEN) break;
    }
    notifyScope.cancel();
    await notifying;
    setGate(outcome.state);
    const { firstPages: _pages, ...counts } = outcome; // the progress shows the gate, not the pages
    this.progress.gate = { ...this.progress.gate, ...counts };
    return { ...outcome, released: !quick };
  }

  /**
   * What an accepted gate starts at once (the send stage, the first pages) when nothing waits
   * after it; undefined under older code or while a schedule holds the sendout.
   */
  private startSending(): StartSending | undefined {
    const { tuning, resume } = this.input;
    if (!patched(ACCEPT_STARTS_SENDING) || this.schedule.holds()) return undefined;
    return {
      afterId: resume?.afterMessageId ?? 0,
      pageSize: tuning.sendPageSize,
      maxPages: firstPlanPages(tuning),
      spreadOver: tuning.sendWindow,
    };
  }

  private async enterStage(stage: SendoutStage): Promise<void> {
    this.setStage(stage);
    await this.acts.local.markSendoutStage({ sendoutId: this.input.sendoutId, stage });
  }

  private setStage(stage: SendoutStage): void {
    this.progress.stage = stage;
    upsertSearchAttributes([{ key: SendoutStageKey, value: stage }]);
  }

  private closeOpenGate(state: GateState): void {
    if (this.progress.gate?.state !== GateState.OPEN) return;
    this.progress.gate.state = state;
    upsertSearchAttributes([{ key: GateStateKey, value: state }]);
  }

  private async complete(): Promise<SendoutResult> {
    const { sendoutId, gate } = this.input;
    await condition(allHandlersFinished); // a schedule change being stored is answered first
    await this.fanOutFeedback();
    const counts = await this.acts.short.completeSendout({ sendoutId });
    this.setStage(SendoutStage.COMPLETED);
    return {
      sendoutId,
      stage: SendoutStage.COMPLETED,
      counts,
      ...(gate?.split && this.progress.gate ? { paths: pathsOf(this.progress) } : {}),
    };
  }

  /**
   * Delivers the feedback events the sendout's own steps queued (sent, error, exclude): their first
   * attempts; failures are left to the feedback dispatcher, which retries them. Feedback never
   * fails a sendout: a fan-out out of retries also leaves its rows to the dispatcher.
   */
  private async fanOutFeedback(): Promise<void> {
    if (!this.input.feedback || !patched(FEEDBACK_FANOUT)) return;
    try {
      await this.acts.feedback.deliverSendoutFeedback({ sendoutId: this.input.sendoutId });
    } catch (error) {
      if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
    }
  }

  /**
   * Starts delivering the sendout's feedback events while its pages send (with feedback on): one
   * follower activity in its own cancellation scope, so the run can stop it when the pages are done
   * (or it continues as new: the next run starts its own). `stop` cancels it and waits until it
   * has stopped; like the fan-out step, it never fails the sendout.
   */
  private followFeedback(): { stop(): Promise<void> } | undefined {
    // An inline run's few events wait for its fan-out step, a moment later.
    if (!this.input.feedback || this.inline || !patched(FEEDBACK_WHILE_SENDING)) return undefined;
    const scope = new CancellationScope();
    const following = scope.run(() => this.acts.follower.deliverSendoutFeedback({ sendoutId: this.input.sendoutId, follow: true }));
    following.catch(() => undefined); // seen by `stop`; a cancel of the whole run must not leave it unhandled
    return {
      async stop() {
        scope.cancel();
        try {
          await following;
        } catch (error) {
          // cancelled, or out of retries: the fan-out step and the dispatcher deliver the rest
          if (!(error instanceof TemporalFailure)) throw error;
        }
      },
    };
  }

  private async continueAs(at: Pick<SendoutResume, 'phase' | 'afterMessageId' | 'gateExpiresAtMs'>): Promise<never> {
    const { generated, sent, failed } = this.progress;
    const paths = this.progress.gate && this.progress.gate.state !== GateState.OPEN ? pathsOf(this.progress) : undefined;
    await condition(allHandlersFinished); // a schedule change being stored is answered first, and carried
    const { sendAt, paused } = this.schedule;
    return continueAsNew<typeof sendoutWorkflow>({
      ...this.input,
      sendAt,
      ...(paused ? { paused } : {}),
      resume: { ...at, generated, sent, failed, paths },
    });
  }
}

function pathsOf(progress: SendoutProgress) {
  return { accepted: progress.gate?.accepted ?? 0, rejected: progress.gate?.rejected ?? 0, timedOut: progress.gate?.timedOut ?? 0 };
}

function isOver(stage: SendoutStage): boolean {
  return [SendoutStage.SENDING, SendoutStage.COMPLETED, SendoutStage.CANCELED, SendoutStage.FAILED].includes(stage);
}
