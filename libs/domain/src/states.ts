/**
 * Message lifecycle. Every transition is a conditional UPDATE on the current state, so racing actors
 * cannot both win; who makes which transition is in docs/architecture.md, Message states.
 * The workflow bundle imports this file by path, so it stays free of I/O and Node built-ins.
 */
export enum MessageState {
  GENERATED = 'GENERATED',
  GATED = 'GATED',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
  TIMED_OUT = 'TIMED_OUT',
  SENDING = 'SENDING',
  SENT = 'SENT',
  DELIVERED = 'DELIVERED',
  BOUNCED = 'BOUNCED',
  FAILED = 'FAILED',
  CANCELED = 'CANCELED',
  /** Never sent: the contact lacks the address the integration needs (reason: `no phone number`…). Set at generation. */
  EXCLUDED = 'EXCLUDED',
}

export const MESSAGE_STATES = Object.values(MessageState);

/** Where a sendout is in its workflow; mirrored in the `SendoutStage` search attribute. */
export enum SendoutStage {
  CREATED = 'CREATED',
  GENERATING = 'GENERATING',
  GATED = 'GATED',
  SCHEDULED = 'SCHEDULED',
  SENDING = 'SENDING',
  COMPLETED = 'COMPLETED',
  CANCELED = 'CANCELED',
  FAILED = 'FAILED',
}

export enum Channel {
  EMAIL = 'email',
  SMS = 'sms',
}

export type MessageCounts = Partial<Record<MessageState, number>>;

/** Stages a sendout never leaves: it no longer counts as running. */
export const FINISHED_STAGES: readonly SendoutStage[] = [SendoutStage.COMPLETED, SendoutStage.CANCELED, SendoutStage.FAILED];

export function isFinished(stage: SendoutStage): boolean {
  return FINISHED_STAGES.includes(stage);
}

/** How many messages the counts hold, over every state. */
export function totalOf(counts: MessageCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
