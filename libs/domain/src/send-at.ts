/**
 * The `sendAt` of the email API: Infobip's form `yyyy-MM-dd'T'HH:mm:ss.SSS+0000` or any ISO 8601
 * time with a zone (`Z` or an offset), in the future and at most 30 days ahead.
 */
import { INFOBIP_TIME_SHAPE, readInfobipTime } from './infobip';

export const MAX_SEND_AT_AHEAD_MS = 30 * 24 * 3_600_000;
const MAX_SEND_AT_LENGTH = 40;

export function parseSendAt(value: unknown, now: Date): { sendAt: Date } | { error: string } {
  if (typeof value !== 'string' || value.length === 0) return { error: "must be a time as yyyy-MM-dd'T'HH:mm:ss.SSS+0000" };
  const text = value.trim();
  if (value.length > MAX_SEND_AT_LENGTH || !INFOBIP_TIME_SHAPE.test(text)) {
    return { error: "must be a time as yyyy-MM-dd'T'HH:mm:ss.SSS+0000 or ISO 8601 with a zone" };
  }
  const sendAt = readInfobipTime(text);
  if (!sendAt) return { error: 'is not a valid time' };
  if (sendAt.getTime() <= now.getTime()) return { error: 'must be in the future' };
  if (sendAt.getTime() - now.getTime() > MAX_SEND_AT_AHEAD_MS) return { error: 'must be at most 30 days ahead' };
  return { sendAt };
}
