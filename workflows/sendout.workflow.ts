/**
 * One sendout, durably: generate its messages, hold them at the send gate until the integrator
 * accepts or the deadline passes, wait for the scheduled time, then send them in pages with a
 * sliding window of page activities in flight. Control flow only: every row lives in the
 * database, and the workflow carries ids and counts.
 */
import {
  ActivityCancellationType, ActivityFailure, CancellationScope, condition, continueAsNew, isCancellation, proxyActivities,
  proxyLocalActivities, setHandler, sleep, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { GateOutcome, SendoutActivities } from '../activities';
import { GateState } from '../libs/domain/src/gate';
import { SendoutStage } from '../libs/domain/src/states';
import { GateStateKey, SendoutStageKey } from './search-attributes';
import {
  gateDecidedSignal, progressQuery, SendoutProgress, SendoutResult, SendoutTuningInput, SendoutWorkflowInput,
} from './sendout.messages';

const PAGES_PER_PLAN = 50;
const DEFAULT_EVENTS_BEFORE_CONTINUE = 5_000;

export async function sendoutWorkflow(input: SendoutWorkflowInput): Promise<SendoutResult> {
  const run = new SendoutRun(input);
  try {
    return await run.execute();
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await run.cancel();
    throw error; // the Web UI shows the workflow as cancelled
  }
}

/** The state of one workflow run and its steps; `execute` is the whole flow. */
class SendoutRun {
  readonly acts: Activities;
  readonly progress: SendoutProgress;
  readonly wake = { gate: false };

  constructor(readonly input: SendoutWorkflowInput) {
    const { resume } = input;
    this.acts = activitiesFor(input.tuning);
    this.progress = {
      stage: resume ? SendoutStage.SENDING : SendoutStage.CREATED,
      generated: resume?.generated ?? 0, sent: resume?.sent ?? 0, failed: resume?.failed ?? 0,
      pagesInFlight: 0, pagesDone: 0,
      ...(resume?.paths ? { gate: { state: GateState.ACCEPTED, ...resume.paths } } : {}),
    };
    setHandler(progressQuery, () => ({ ...this.progress }));
    setHandler(gateDecidedSignal, () => void (this.wake.gate = true));
  }

  async execute(): Promise<SendoutResult> {
    const { sendoutId, tuning, gate, sendAt, resume } = this.input;
    if (!resume) {
      await this.enterStage(SendoutStage.GENERATING);
      this.progress.generated = (await this.acts.long.generateMessages({ sendoutId, pageSize: tuning.generatePageSize })).generated;
      if (gate) {
        await this.enterStage(SendoutStage.GATED);
        const outcome = await passGate(sendoutId, gate.timeoutMs, this.acts, this.wake, this.progress);
        if (outcome.state !== GateState.ACCEPTED) return this.complete();
      }
      if (sendAt !== undefined && sendAt > Date.now()) {
        await this.enterStage(SendoutStage.SCHEDULED);
        await sleep(sendAt - Date.now());
      }
      await this.enterStage(SendoutStage.SENDING);
    }
    const stoppedAt = await sendPages(this.input, this.acts, this.progress);
    if (stoppedAt !== undefined) return this.continueAfter(stoppedAt);
    return this.complete();
  }

  /** An operator cancelled: nothing more is claimed or sent; what was not sent becomes CANCELED. */
  async cancel(): Promise<void> {
    await CancellationScope.nonCancellable(() => this.acts.short.cancelSendout({ sendoutId: this.input.sendoutId }));
    this.progress.stage = SendoutStage.CANCELED;
    upsertSearchAttributes([{ key: SendoutStageKey, value: SendoutStage.CANCELED }]);
    if (this.progress.gate?.state === GateState.OPEN) {
      this.progress.gate.state = GateState.CANCELED;
      upsertSearchAttributes([{ key: GateStateKey, value: GateState.CANCELED }]);
    }
  }

  private async enterStage(stage: SendoutStage): Promise<void> {
    this.progress.stage = stage;
    upsertSearchAttributes([{ key: SendoutStageKey, value: stage }]);
    await this.acts.local.markSendoutStage({ sendoutId: this.input.sendoutId, stage });
  }

  private async complete(): Promise<SendoutResult> {
    const { sendoutId, gate } = this.input;
    const counts = await this.acts.short.completeSendout({ sendoutId });
    this.progress.stage = SendoutStage.COMPLETED;
    upsertSearchAttributes([{ key: SendoutStageKey, value: SendoutStage.COMPLETED }]);
    return { sendoutId, stage: SendoutStage.COMPLETED, counts, ...(gate?.split && this.progress.gate ? { paths: pathsOf(this.progress) } : {}) };
  }

  private continueAfter(afterMessageId: number): Promise<never> {
    const { generated, sent, failed } = this.progress;
    return continueAsNew<typeof sendoutWorkflow>({
      ...this.input,
      resume: { afterMessageId, generated, sent, failed, paths: this.progress.gate ? pathsOf(this.progress) : undefined },
    });
  }
}

/**
 * Opens the gate and waits until a decision wakes the workflow or the deadline passes, while the
 * webhook is delivered (and retried) alongside. The database settles accept versus timeout.
 */
async function passGate(
  sendoutId: string, timeoutMs: number, acts: Activities, wake: { gate: boolean }, progress: SendoutProgress,
): Promise<GateOutcome> {
  const setGate = (state: GateState) => upsertSearchAttributes([{ key: GateStateKey, value: state }]);
  setGate(GateState.OPEN);
  const gate = await acts.short.openGate({ sendoutId, timeoutMs });
  progress.gate = { state: gate.state, expiresAt: new Date(gate.expiresAtMs).toISOString() };

  const notifyScope = new CancellationScope();
  const remaining = () => Math.max(0, gate.expiresAtMs - Date.now());
  const notifying = notifyScope
    .run(() => proxyActivities<SendoutActivities>({
      scheduleToCloseTimeout: Math.max(1_000, remaining()),
      startToCloseTimeout: '30s',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
    }).notifyGate({ sendoutId }))
    .catch(() => undefined); // undelivered by the deadline: the gate simply times out

  let outcome: GateOutcome;
  for (;;) {
    const signalled = remaining() > 0 && (await condition(() => wake.gate, remaining()));
    wake.gate = false; // before closeGate reads the state, so a signal arriving meanwhile wakes the next wait
    outcome = await acts.short.closeGate({ sendoutId, deadlinePassed: !signalled });
    if (outcome.state !== GateState.OPEN) break;
  }
  notifyScope.cancel();
  await notifying;
  setGate(outcome.state);
  progress.gate = { ...progress.gate, ...outcome };
  return outcome;
}

/**
 * Sends every page after the resume point with at most `sendWindow` pages in flight. Answers the
 * last page it finished when the history is long enough to continue as new, else undefined.
 */
async function sendPages(input: SendoutWorkflowInput, acts: Activities, progress: SendoutProgress): Promise<number | undefined> {
  const { sendoutId, tuning } = input;
  const inFlight = new Set<Promise<void>>();
  let afterId = input.resume?.afterMessageId ?? 0;

  const sendOne = async (range: [number, number]) => {
    try {
      const result = await acts.long.sendMessagePage({ sendoutId, range, concurrency: tuning.sendConcurrency });
      progress.sent += result.sent;
      progress.failed += result.failed;
    } catch (error) {
      if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
      // Retries are exhausted: the page's remaining messages fail with the cause as reason.
      const reason = error.cause?.message ?? error.message;
      progress.failed += (await acts.short.failMessagePage({ sendoutId, range, reason })).failed;
    }
    progress.pagesDone += 1;
  };

  for (;;) {
    const pages = await acts.short.planSendPages({ sendoutId, afterId, pageSize: tuning.sendPageSize, maxPages: PAGES_PER_PLAN });
    if (pages.length === 0) break;
    for (const range of pages) {
      const page = sendOne(range).finally(() => {
        inFlight.delete(page);
        progress.pagesInFlight = inFlight.size;
      });
      inFlight.add(page);
      progress.pagesInFlight = inFlight.size;
      afterId = range[1];
      if (inFlight.size >= tuning.sendWindow) await Promise.race(inFlight);
    }
    if (historyIsLong(tuning.continueAsNewAfterEvents ?? DEFAULT_EVENTS_BEFORE_CONTINUE)) {
      await Promise.all(inFlight);
      return afterId;
    }
  }
  await Promise.all(inFlight);
  return undefined;
}

function pathsOf(progress: SendoutProgress) {
  return { accepted: progress.gate?.accepted ?? 0, rejected: progress.gate?.rejected ?? 0, timedOut: progress.gate?.timedOut ?? 0 };
}

function historyIsLong(limit: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > limit;
}

type Activities = ReturnType<typeof activitiesFor>;

function activitiesFor(tuning: SendoutTuningInput) {
  const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' };
  return {
    local: proxyLocalActivities<SendoutActivities>({ startToCloseTimeout: '30s', retry }),
    short: proxyActivities<SendoutActivities>({ startToCloseTimeout: '1m', retry }),
    long: proxyActivities<SendoutActivities>({
      startToCloseTimeout: '2h',
      // On cancel, wait until a page has stopped posting before the sendout is marked cancelled.
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      heartbeatTimeout: tuning.heartbeatTimeoutMs,
      retry: { ...retry, maximumAttempts: 25 },
    }),
  };
}
