import { GateState } from '@sendgate/domain';
import { SendoutActivityDeps } from './deps';

/** The gate's state as the database has it: a cheap read, run periodically while the gate is open. */
export function readGateStateActivity({ gates }: SendoutActivityDeps) {
  return async function readGateState(input: { sendoutId: string }): Promise<GateState> {
    const gate = await gates.find(input.sendoutId);
    if (!gate) throw new Error(`sendout ${input.sendoutId} has no gate`);
    return gate.state;
  };
}
