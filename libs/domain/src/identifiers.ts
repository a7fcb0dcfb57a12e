/** Deterministic ids and keys derived from business keys, so every retry is a no-op. */
export const sendoutWorkflowId = (sendoutId: string): string => `sendout-${sendoutId}`;

export const idempotencyKey = (sendoutId: string, contactId: number | string): string => `${sendoutId}:${contactId}`;
