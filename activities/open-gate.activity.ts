import { log } from '@temporalio/activity';
import { GateState } from '@sendgate/domain';
import { SendoutActivityDeps } from './deps';

/** Opens the sendout's gate (once: a retry answers the same deadline). */
export function openGateActivity({ gates }: SendoutActivityDeps) {
  return async function openGate(input: { sendoutId: string; timeoutMs: number }): Promise<{ state: GateState; expiresAtMs: number }> {
    const gate = await gates.open(input.sendoutId, input.timeoutMs);
    log.info(`gate open until ${gate.expiresAt.toISOString()}`, { gateState: gate.state });
    return { state: gate.state, expiresAtMs: gate.expiresAt.getTime() };
  };
}
