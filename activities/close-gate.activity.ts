import { Context, log } from '@temporalio/activity';
import type { IdRange } from '@sendgate/database';
import { GateState, MessageState, SendoutStage, gatePaths } from '@sendgate/domain';
import { CancelledFailure } from '@temporalio/common';
import { metrics } from '@sendgate/metrics';
import { SendoutActivityDeps } from './deps';
import { sleep } from './dispatch-feedback.activity';
import { beat } from './heartbeat';
import type { PagePreparations } from './page-preparation';

export interface GateOutcome {
  state: GateState;
  accepted: number;
  rejected: number;
  timedOut: number;
}

/** What an accepted gate starts when the workflow has nothing to wait for after it: the send stage and its first pages. */
export interface StartSending {
  afterId: number;
  pageSize: number;
  maxPages: number;
  /** The send window (see planPages); absent in runs scheduled before it existed. */
  spreadOver?: number;
}

export interface ClosedGate extends GateOutcome {
  /** With `startSending` and the batch accepted: the sendout is SENDING, and these are its first pages. */
  firstPages?: IdRange[];
}

/**
 * Settles the gate after the wait: at the deadline it tries OPEN → TIMED_OUT, which loses to an
 * accept committed first; then the still-gated messages follow the gate's state in one UPDATE.
 * Answers OPEN when woken early without a decision (the workflow waits again).
 *
 * `releaseAccepted: false` leaves an accepted batch GATED for `releaseAcceptedGate` to release
 * beside the first pages (sending claims GATED messages of an accepted gate): one UPDATE of the
 * whole batch no longer stands between the accept and the first message. Its counts are the same.
 *
 * `startSending` also does, for an accepted batch, what the workflow would do next in two more
 * local activities (each a round trip through the workflow): the sendout enters SENDING and its
 * first pages are planned. A gate not accepted changes neither.
 */
export function closeGateActivity({ gates, messages, sendouts }: SendoutActivityDeps, preparations?: Pick<PagePreparations, 'warm'>) {
  // Timed-out messages report `exclude` events, and timed-out or cancelled ones their notifyUrl report,
  // when the sendout has feedback on (in the same transaction).
  const release = async (sendoutId: string, to: MessageState, reason: string | null) =>
    messages.transition(sendoutId, [MessageState.GATED], to, reason, undefined, {
      feedback: to !== MessageState.ACCEPTED && (await sendouts.feedbackEnabled(sendoutId)),
    });
  const startSending = async (sendoutId: string, { afterId, pageSize, maxPages, spreadOver }: StartSending): Promise<IdRange[]> => {
    // The pages planned here start on this worker a moment later (eager dispatch): their reads and
    // compiles are under way by then.
    preparations?.warm(sendoutId);
    const [pages] = await Promise.all([
      messages.planPages(sendoutId, afterId, pageSize, maxPages, spreadOver),
      // only from GATED: a cancel that got in first (its stage CANCELED) is not undone
      sendouts.markStageFrom(sendoutId, SendoutStage.GATED, SendoutStage.SENDING),
    ]);
    return pages;
  };
  return async function closeGate(input: {
    sendoutId: string;
    deadlinePassed: boolean;
    releaseAccepted?: boolean;
    startSending?: StartSending;
  }): Promise<ClosedGate> {
    if (input.deadlinePassed && (await gates.decide(input.sendoutId, GateState.TIMED_OUT, 'timer'))) {
      metrics.gateDecisions.inc({ decision: 'timed_out' });
    }
    const gate = await gates.find(input.sendoutId);
    if (!gate) throw new Error(`sendout ${input.sendoutId} has no gate`);
    switch (gate.state) {
      case GateState.ACCEPTED:
        if (input.releaseAccepted !== false) await release(input.sendoutId, MessageState.ACCEPTED, null);
        break;
      case GateState.TIMED_OUT:
        await release(input.sendoutId, MessageState.TIMED_OUT, 'no answer from the send gate before its deadline');
        break;
      case GateState.CANCELED:
        await release(input.sendoutId, MessageState.CANCELED, 'the sendout was cancelled');
        break;
      case GateState.OPEN:
        break;
    }
    const [counts, firstPages] = await Promise.all([
      messages.countByState(input.sendoutId),
      gate.state === GateState.ACCEPTED && input.startSending ? startSending(input.sendoutId, input.startSending) : undefined,
    ]);
    const paths = gatePaths(counts);
    // A batch left GATED for releaseAcceptedGate is accepted all the same.
    if (gate.state === GateState.ACCEPTED) paths.accepted += counts[MessageState.GATED] ?? 0;
    if (gate.state !== GateState.OPEN) log.info(`gate ${gate.state}`, { gateState: gate.state, ...paths });
    if (firstPages) log.info(`stage ${SendoutStage.SENDING}`, { stage: SendoutStage.SENDING });
    return { state: gate.state, ...paths, ...(firstPages ? { firstPages } : {}) };
  };
}

/** GATED messages of a batch already accepted, at a time, in id order (a send page's claim waits for one at most). */
const RELEASE_SLICE = 5_000;
/** How long the release lets the first pages claim their heads before its first slice. */
const RELEASE_DELAY_MS = 100;

/**
 * Moves an accepted batch's GATED messages to ACCEPTED, a slice of ids at a time, while its first
 * pages send (they claim GATED messages of an accepted gate themselves), so the states read right
 * soon after the accept. It walks down from the highest id: pages claim upward from the lowest, so
 * the first ones never wait for a slice's row locks. Idempotent: a retry goes over what is left.
 */
export function releaseAcceptedGateActivity({ messages }: SendoutActivityDeps) {
  return async function releaseAcceptedGate(input: { sendoutId: string }): Promise<{ released: number }> {
    // It starts beside the first pages: their head claims go first, not after a slice's commit.
    await sleep(RELEASE_DELAY_MS, Context.current().cancellationSignal);
    let released = 0;
    let beforeId: number | undefined;
    for (;;) {
      const slices = await messages.planPagesDownward(input.sendoutId, beforeId, RELEASE_SLICE, 20);
      if (slices.length === 0) return { released };
      for (const slice of slices) {
        released += await messages.transition(input.sendoutId, [MessageState.GATED], MessageState.ACCEPTED, null, slice);
        beforeId = slice[0];
        beat(beforeId);
        // A cancelled sendout cancels what was not sent, GATED included: nothing left to release.
        if (Context.current().cancellationSignal.aborted) throw new CancelledFailure('the sendout was cancelled');
      }
    }
  };
}
