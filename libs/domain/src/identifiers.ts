/** Deterministic ids and keys derived from business keys, so every retry is a no-op. */
import { createHash } from 'node:crypto';

export const sendoutWorkflowId = (sendoutId: string): string => `sendout-${sendoutId}`;

/** A journey run's workflow: one per run number, so starting the same run twice is one workflow. */
export const journeyRunWorkflowId = (journeyId: string, runNumber: number): string => `journey-${journeyId}-run-${runNumber}`;

/**
 * The sendout id a client's Idempotency-Key stands for, within its account: a UUID (version 8,
 * name-based on SHA-256), so concurrent retries of one request all race for the same row.
 */
export function sendoutIdForKey(accountId: string, idempotencyKey: string): string {
  return nameBasedUuid(`sendout\0${accountId}\0${idempotencyKey}`);
}

/**
 * The sendout of a journey run's step, reached along `trail` (the steps and paths walked to it): the
 * activity that stores it may run twice, and a step reached by two paths gets one sendout per path.
 */
export function journeyStepSendoutId(runId: string, trail: string): string {
  return nameBasedUuid(`journey-step\0${runId}\0${trail}`);
}

/**
 * The sendout of one campaign execution (named by its workflow id, which the Schedule makes unique
 * per action): name-based like sendoutIdForKey, so a retried activity finds the row it stored.
 */
export function campaignSendoutId(executionId: string): string {
  return nameBasedUuid(`campaign-execution\0${executionId}`);
}

/** A UUID (version 8) named by SHA-256 of `name`. */
function nameBasedUuid(name: string): string {
  const bytes = createHash('sha256').update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** SHA-256 of a JSON value with its object keys sorted: equal requests hash equal whatever their key order. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256')
    .update(
      JSON.stringify(value, (_key, v) =>
        v && typeof v === 'object' && !Array.isArray(v)
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, v[k]]),
            )
          : v,
      ),
    )
    .digest('hex');
}

/** What an Idempotency-Key Sendgate sent refers to: one message of a sendout, or an integration's test call. */
export type SentRequestKey =
  { kind: 'message'; sendoutId: string; contactId: string } | { kind: 'integration-test'; integrationId: string };

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const MESSAGE_KEY = new RegExp(`^(${UUID}):(\\d{1,19})$`, 'i');
const TEST_KEY = new RegExp(`^test:(${UUID}):${UUID}$`, 'i');

/** Reads `<sendoutId>:<contactId>` or `test:<integrationId>:<uuid>`; anything else is not Sendgate's. */
export function parseSentRequestKey(key: string): SentRequestKey | undefined {
  const message = MESSAGE_KEY.exec(key);
  if (message) return { kind: 'message', sendoutId: message[1], contactId: message[2] };
  const test = TEST_KEY.exec(key);
  if (test) return { kind: 'integration-test', integrationId: test[1] };
  return undefined;
}
