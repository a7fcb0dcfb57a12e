/**
 * Rules of a sendout's body that span fields (each field's own shape, the duration and "exactly one
 * of segmentId or contactIds" are class-validator decorators on the DTO); each broken rule names its field.
 */
import { CAMPAIGN_GATE_TIMEOUT_MS, DEFAULT_GATE_TIMEOUT_MS, FieldError, SendoutKind, SendoutMode, parseDurationMs } from '@sendgate/domain';
import { CreateSendoutDto } from './dto/create-sendout.dto';

export const MAX_SINGLE_CONTACTS = 1_000;

export interface SendoutPlan {
  kind: SendoutKind;
  mode: SendoutMode;
  gate?: { timeoutMs: number; split: boolean };
  sendAt?: Date;
}

/** `dto` has passed the DTO's validation. */
export function planSendout(dto: CreateSendoutDto): { plan: SendoutPlan; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const kind = (dto.kind ?? SendoutKind.BATCH) as SendoutKind;
  const mode = (dto.mode ?? SendoutMode.JOURNEY) as SendoutMode;

  if (kind === SendoutKind.SINGLE && (!dto.contactIds || dto.contactIds.length > MAX_SINGLE_CONTACTS)) {
    errors.push({
      field: 'contactIds',
      message: `a single sendout goes to a list of at most ${MAX_SINGLE_CONTACTS} contactIds (use kind "batch" for a segment)`,
    });
  }

  let gate: SendoutPlan['gate'];
  if (dto.gate?.enabled) {
    let timeoutMs = mode === SendoutMode.CAMPAIGN ? CAMPAIGN_GATE_TIMEOUT_MS : DEFAULT_GATE_TIMEOUT_MS;
    const given = dto.gate.timeout === undefined ? undefined : parseDurationMs(dto.gate.timeout);
    if (given !== undefined && mode === SendoutMode.CAMPAIGN && given !== CAMPAIGN_GATE_TIMEOUT_MS) {
      errors.push({ field: 'gate.timeout', message: 'is fixed at 1 hour in campaign mode; leave it out or give "1h"' });
    } else if (given !== undefined) {
      timeoutMs = given;
    }
    gate = { timeoutMs, split: dto.gate.split ?? false };
    dto.gate.actions?.forEach((action, i) => {
      if (typeof action.id !== 'string' || action.id.length === 0)
        errors.push({ field: `gate.actions[${i}].id`, message: 'must be a non-empty string' });
    });
  }

  return { plan: { kind, mode, gate, sendAt: dto.sendAt ? new Date(dto.sendAt) : undefined }, errors };
}
