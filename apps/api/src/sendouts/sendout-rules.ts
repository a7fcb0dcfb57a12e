/** Rules of a sendout's body that go beyond field shapes; each broken rule names its field. */
import {
  CAMPAIGN_GATE_TIMEOUT_MS, DEFAULT_GATE_TIMEOUT_MS, FieldError, MAX_GATE_TIMEOUT_MS, SendoutKind, SendoutMode, parseDurationMs,
} from '@sendgate/domain';
import { CreateSendoutDto } from './dto/create-sendout.dto';

export const MAX_SINGLE_CONTACTS = 1_000;

export interface SendoutPlan {
  kind: SendoutKind;
  mode: SendoutMode;
  gate?: { timeoutMs: number; split: boolean };
  sendAt?: Date;
}

export function planSendout(dto: CreateSendoutDto): { plan: SendoutPlan; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const kind = (dto.kind ?? SendoutKind.BATCH) as SendoutKind;
  const mode = (dto.mode ?? SendoutMode.JOURNEY) as SendoutMode;

  if ((dto.segmentId === undefined) === (dto.contactIds === undefined)) {
    errors.push({ field: 'segmentId', message: 'give exactly one of segmentId or contactIds' });
  }
  if (kind === SendoutKind.SINGLE && (dto.contactIds === undefined || dto.contactIds.length > MAX_SINGLE_CONTACTS)) {
    errors.push({ field: 'contactIds', message: `a single sendout goes to a list of at most ${MAX_SINGLE_CONTACTS} contactIds (use kind "batch" for a segment)` });
  }

  let gate: SendoutPlan['gate'];
  if (dto.gate?.enabled) {
    let timeoutMs = mode === SendoutMode.CAMPAIGN ? CAMPAIGN_GATE_TIMEOUT_MS : DEFAULT_GATE_TIMEOUT_MS;
    if (dto.gate.timeout !== undefined) {
      const parsed = parseDurationMs(dto.gate.timeout);
      if (parsed === undefined || parsed > MAX_GATE_TIMEOUT_MS) {
        errors.push({ field: 'gate.timeout', message: 'must be a duration: seconds, or "90s", "15m", "1h", "2d" (at most 30 days)' });
      } else if (mode === SendoutMode.CAMPAIGN && parsed !== CAMPAIGN_GATE_TIMEOUT_MS) {
        errors.push({ field: 'gate.timeout', message: 'is fixed at 1 hour in campaign mode; leave it out or give "1h"' });
      } else {
        timeoutMs = parsed;
      }
    }
    gate = { timeoutMs, split: dto.gate.split ?? false };
    dto.gate.actions?.forEach((action, i) => {
      if (typeof action.id !== 'string' || action.id.length === 0) errors.push({ field: `gate.actions[${i}].id`, message: 'must be a non-empty string' });
    });
  }

  const sendAt = dto.sendAt ? new Date(dto.sendAt) : undefined;
  // The years a DATETIME column holds; outside them the database would refuse the row.
  if (sendAt && !(sendAt.getUTCFullYear() >= 1000 && sendAt.getUTCFullYear() <= 9999)) {
    errors.push({ field: 'sendAt', message: 'must be a time between the years 1000 and 9999' });
  }

  return { plan: { kind, mode, gate, sendAt }, errors };
}
