import { log } from '@temporalio/activity';
import { GateState, MessageState, gatePaths } from '@sendgate/domain';
import { metrics } from '@sendgate/metrics';
import { SendoutActivityDeps } from './deps';

export interface GateOutcome {
  state: GateState;
  accepted: number;
  rejected: number;
  timedOut: number;
}

/**
 * Settles the gate after the wait: at the deadline it tries OPEN → TIMED_OUT, which loses to an
 * accept committed first; then the still-gated messages follow the gate's state in one UPDATE.
 * Answers OPEN when woken early without a decision (the workflow waits again).
 */
export function closeGateActivity({ gates, messages, sendouts }: SendoutActivityDeps) {
  // Timed-out messages report `exclude` events, and timed-out or cancelled ones their notifyUrl report,
  // when the sendout has feedback on (in the same transaction).
  const release = async (sendoutId: string, to: MessageState, reason: string | null) =>
    messages.transition(sendoutId, [MessageState.GATED], to, reason, undefined, {
      feedback: to !== MessageState.ACCEPTED && (await sendouts.feedbackEnabled(sendoutId)),
    });
  return async function closeGate(input: { sendoutId: string; deadlinePassed: boolean }): Promise<GateOutcome> {
    if (input.deadlinePassed && (await gates.decide(input.sendoutId, GateState.TIMED_OUT, 'timer'))) {
      metrics.gateDecisions.inc({ decision: 'timed_out' });
    }
    const gate = await gates.find(input.sendoutId);
    if (!gate) throw new Error(`sendout ${input.sendoutId} has no gate`);
    switch (gate.state) {
      case GateState.ACCEPTED:
        await release(input.sendoutId, MessageState.ACCEPTED, null);
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
    const paths = gatePaths(await messages.countByState(input.sendoutId));
    if (gate.state !== GateState.OPEN) log.info(`gate ${gate.state}`, { gateState: gate.state, ...paths });
    return { state: gate.state, ...paths };
  };
}
