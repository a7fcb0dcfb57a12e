/** Deterministic ids and keys derived from business keys, so every retry is a no-op. */
export const sendoutWorkflowId = (sendoutId: string): string => `sendout-${sendoutId}`;

export const idempotencyKey = (sendoutId: string, contactId: number | string): string => `${sendoutId}:${contactId}`;

/** What an Idempotency-Key Sendgate sent refers to: one message of a sendout, or an integration's test call. */
export type SentRequestKey =
  | { kind: 'message'; sendoutId: string; contactId: string }
  | { kind: 'integration-test'; integrationId: string };

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
