/**
 * What the sandbox ESP makes of a message, by its recipient at the simulator domain: `bounce@`
 * bounces, `complaint@` bounces with type Complaint (a spam report ends a message as a bounce
 * does), `fail@` is an error, `delay@` is delivered late; anything else is delivered. A `+tag`
 * (`bounce+7@…`) is allowed, so several contacts can share an outcome.
 */
import { MappedStatus } from '@sendgate/esp';

export interface SimulatedOutcome {
  status: MappedStatus;
  type: string | null;
  code: string | null;
  reason: string | null;
  late: boolean;
}

const DELIVERED: SimulatedOutcome = { status: 'delivered', type: null, code: null, reason: null, late: false };

const BY_LOCAL_PART: Record<string, SimulatedOutcome> = {
  bounce: { status: 'bounce', type: 'Bounce', code: '5.1.1', reason: 'simulated bounce: the mailbox does not exist', late: false },
  complaint: {
    status: 'bounce',
    type: 'Complaint',
    code: 'complaint',
    reason: 'simulated complaint: the recipient reported spam',
    late: false,
  },
  fail: { status: 'error', type: 'Error', code: '5.0.0', reason: 'simulated failure: the ESP could not deliver the message', late: false },
  delay: { ...DELIVERED, late: true },
};

export function simulatedOutcome(to: string | null, simulatorDomain: string): SimulatedOutcome {
  const at = to?.lastIndexOf('@') ?? -1;
  if (!to || at < 0 || to.slice(at + 1).toLowerCase() !== simulatorDomain) return DELIVERED;
  const local = to.slice(0, at).toLowerCase().split('+')[0];
  return Object.hasOwn(BY_LOCAL_PART, local) ? BY_LOCAL_PART[local] : DELIVERED;
}

/** The failure code and reason of a stored outcome (its status and type), as its callback reports them. */
export function outcomeDetails(status: string, type: string | null): { code: string | null; reason: string | null } {
  const outcome = Object.values(BY_LOCAL_PART).find((o) => o.status === status && o.type === type);
  return { code: outcome?.code ?? null, reason: outcome?.reason ?? null };
}
