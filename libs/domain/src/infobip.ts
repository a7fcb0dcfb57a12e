/**
 * The vocabulary of the Infobip-compatible email API: how a message's state reads as an Infobip
 * status and error, how a sendout's stage reads as a bulk status, and which states a log filter's
 * `generalStatus` means. Pure: the API, the reports, the logs and the notifyUrl push share it.
 */
import { MessageState, SendoutStage } from './states';

export interface InfobipStatus {
  groupId: number;
  groupName: string;
  id: number;
  name: string;
  description: string;
}

export interface InfobipError {
  groupId: number;
  groupName: string;
  id: number;
  name: string;
  description: string;
  permanent: boolean;
}

export type GeneralStatus = 'PENDING' | 'DELIVERED' | 'UNDELIVERABLE' | 'EXPIRED' | 'REJECTED';
export const GENERAL_STATUSES: readonly GeneralStatus[] = ['PENDING', 'DELIVERED', 'UNDELIVERABLE', 'EXPIRED', 'REJECTED'];

const GROUP_IDS: Record<GeneralStatus, number> = { PENDING: 1, UNDELIVERABLE: 2, DELIVERED: 3, EXPIRED: 4, REJECTED: 5 };

function status(group: GeneralStatus, id: number, name: string, description: string): InfobipStatus {
  return { groupId: GROUP_IDS[group], groupName: group, id, name, description };
}

export const INFOBIP_STATUS = {
  PENDING_ACCEPTED: status('PENDING', 26, 'PENDING_ACCEPTED', 'Message accepted, pending for delivery.'),
  PENDING_ENROUTE: status('PENDING', 7, 'PENDING_ENROUTE', 'Message sent to next instance.'),
  DELIVERED_TO_HANDSET: status('DELIVERED', 5, 'DELIVERED_TO_HANDSET', 'Message delivered to handset.'),
  UNDELIVERABLE_NOT_DELIVERED: status('UNDELIVERABLE', 9, 'UNDELIVERABLE_NOT_DELIVERED', 'Message sent, not delivered.'),
  UNDELIVERABLE_REJECTED_OPERATOR: status('UNDELIVERABLE', 4, 'UNDELIVERABLE_REJECTED_OPERATOR', 'Message rejected by operator.'),
  EXPIRED_EXPIRED: status('EXPIRED', 15, 'EXPIRED_EXPIRED', 'Message expired.'),
  REJECTED_VALIDATION_FAILED: status('REJECTED', 90, 'REJECTED_VALIDATION_FAILED', 'Message rejected: validation failed.'),
} as const;

const NO_ERROR: InfobipError = { groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', description: 'No Error', permanent: false };

export const INFOBIP_ERROR = {
  NO_ERROR,
  EC_INVALID_EMAIL_ADDRESS: {
    groupId: 2,
    groupName: 'BOUNCED',
    id: 6006,
    name: 'EC_INVALID_EMAIL_ADDRESS',
    description: 'Invalid email address',
    permanent: true,
  },
  EC_SOFT_BOUNCE: { groupId: 2, groupName: 'BOUNCED', id: 6011, name: 'EC_SOFT_BOUNCE', description: 'Soft bounce', permanent: false },
  EC_HARD_BOUNCE: { groupId: 2, groupName: 'BOUNCED', id: 6012, name: 'EC_HARD_BOUNCE', description: 'Hard bounce', permanent: true },
  EC_INTERNAL_SYSTEM_ERROR: {
    groupId: 3,
    groupName: 'SYSTEM',
    id: 6013,
    name: 'EC_INTERNAL_SYSTEM_ERROR',
    description: 'Internal system error',
    permanent: false,
  },
} as const satisfies Record<string, InfobipError>;

/** States after which a message's report is final: a one-time report and a notifyUrl push exist for it. */
export const FINAL_REPORT_STATES: readonly MessageState[] = [
  MessageState.DELIVERED,
  MessageState.BOUNCED,
  MessageState.FAILED,
  MessageState.REJECTED,
  MessageState.TIMED_OUT,
  MessageState.CANCELED,
  MessageState.EXCLUDED,
];

/** The message states each `generalStatus` of the logs stands for. */
export const GENERAL_STATUS_STATES: Record<GeneralStatus, readonly MessageState[]> = {
  PENDING: [MessageState.GENERATED, MessageState.GATED, MessageState.ACCEPTED, MessageState.SENDING, MessageState.SENT],
  DELIVERED: [MessageState.DELIVERED],
  UNDELIVERABLE: [MessageState.BOUNCED, MessageState.FAILED],
  EXPIRED: [MessageState.TIMED_OUT],
  REJECTED: [MessageState.REJECTED, MessageState.CANCELED, MessageState.EXCLUDED],
};

/**
 * A message's state as Infobip's status and error. `reason` (ours: the gate's rejection, the ESP's
 * answer, a bounce's type) becomes the description, so a client reads why in its own terms.
 */
export function infobipStatusOf(state: MessageState, reason?: string | null): { status: InfobipStatus; error: InfobipError } {
  const why = <T extends InfobipStatus | InfobipError>(base: T): T => (reason ? { ...base, description: reason.slice(0, 500) } : base);
  switch (state) {
    case MessageState.GENERATED:
    case MessageState.GATED:
    case MessageState.ACCEPTED:
    case MessageState.SENDING:
      return { status: INFOBIP_STATUS.PENDING_ACCEPTED, error: NO_ERROR };
    case MessageState.SENT:
      return { status: INFOBIP_STATUS.PENDING_ENROUTE, error: NO_ERROR };
    case MessageState.DELIVERED:
      return { status: INFOBIP_STATUS.DELIVERED_TO_HANDSET, error: NO_ERROR };
    case MessageState.BOUNCED:
      return { status: INFOBIP_STATUS.UNDELIVERABLE_NOT_DELIVERED, error: why(INFOBIP_ERROR.EC_HARD_BOUNCE) };
    case MessageState.FAILED:
      return { status: INFOBIP_STATUS.UNDELIVERABLE_REJECTED_OPERATOR, error: why(INFOBIP_ERROR.EC_INTERNAL_SYSTEM_ERROR) };
    case MessageState.TIMED_OUT:
      return {
        status: why(INFOBIP_STATUS.EXPIRED_EXPIRED),
        error: {
          groupId: 1,
          groupName: 'DROPPED',
          id: 1,
          name: 'EC_GATE_TIMED_OUT',
          description: reason?.slice(0, 500) ?? 'No answer from the send gate before its deadline',
          permanent: true,
        },
      };
    case MessageState.REJECTED:
    case MessageState.CANCELED:
      return {
        status: why(INFOBIP_STATUS.REJECTED_VALIDATION_FAILED),
        error: {
          groupId: 1,
          groupName: 'DROPPED',
          id: state === MessageState.REJECTED ? 2 : 3,
          name: state === MessageState.REJECTED ? 'EC_REJECTED_AT_GATE' : 'EC_CANCELED',
          description: reason?.slice(0, 500) ?? (state === MessageState.REJECTED ? 'Rejected at the send gate' : 'Canceled'),
          permanent: true,
        },
      };
    case MessageState.EXCLUDED:
      // the recipient lacks the address the integration sends to (its identifier type's)
      return {
        status: why(INFOBIP_STATUS.REJECTED_VALIDATION_FAILED),
        error: {
          groupId: 1,
          groupName: 'DROPPED',
          id: 4,
          name: 'EC_NO_ADDRESS',
          description: reason?.slice(0, 500) ?? 'The recipient has no address for this channel',
          permanent: true,
        },
      };
  }
}

export type BulkStatus = 'PENDING' | 'PAUSED' | 'PROCESSING' | 'CANCELED' | 'FINISHED' | 'FAILED';

/** A bulk's status: its sendout's stage, PAUSED while held by the client before sending. */
export function bulkStatusOf(stage: SendoutStage, paused: boolean): BulkStatus {
  switch (stage) {
    case SendoutStage.CREATED:
    case SendoutStage.GENERATING:
    case SendoutStage.GATED:
    case SendoutStage.SCHEDULED:
      return paused ? 'PAUSED' : 'PENDING';
    case SendoutStage.SENDING:
      return 'PROCESSING';
    case SendoutStage.COMPLETED:
      return 'FINISHED';
    case SendoutStage.CANCELED:
      return 'CANCELED';
    case SendoutStage.FAILED:
      return 'FAILED';
  }
}

// yyyy-MM-dd'T'HH:mm[:ss[.SSS…]] with Z, ±hh:mm or ±hhmm (Infobip's +0000), or a bare day
const INFOBIP_TIME = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2}))?$/;

/** The shape of a time with its zone (no bare day), before its numbers are checked. */
export const INFOBIP_TIME_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * Reads a time as Infobip writes it (`yyyy-MM-dd'T'HH:mm:ss.SSS+0000`) or as ISO 8601 with a zone;
 * with `bareDay`, a day alone too (midnight UTC). Undefined when it is neither, or names a day that
 * does not exist (2026-02-30 does not roll over into March).
 */
export function readInfobipTime(text: string, options: { bareDay?: boolean } = {}): Date | undefined {
  const match = INFOBIP_TIME.exec(text);
  if (!match) return undefined;
  const [, day, time, zone] = match;
  if (time === undefined && !options.bareDay) return undefined;
  const offset = zone === undefined || zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  // Date reads at most milliseconds
  const clock = time ? time.replace(/(\.\d{3})\d+$/, '$1') : '00:00';
  const date = new Date(`${day}T${clock}${offset}`);
  if (Number.isNaN(date.getTime()) || new Date(`${day}T00:00Z`).toISOString().slice(0, 10) !== day) return undefined;
  return date;
}

/** Infobip's date form, `yyyy-MM-dd'T'HH:mm:ss.SSS+0000`, always in UTC. */
export function infobipDate(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** One recipient of a request as the reports, the logs and the notifyUrl push read it. */
export interface EmailReportSource {
  bulkId: string;
  messageId: string;
  to: string;
  from?: string;
  /** null before the sendout generated its message (the request was just accepted). */
  state: MessageState | null;
  reason: string | null;
  /** When the request was accepted. */
  acceptedAt: Date;
  sentAt: Date | null;
  /** When the message reached its current state. */
  updatedAt: Date | null;
  callbackData: string | null;
  text?: string | null;
}

export interface InfobipReport {
  bulkId: string;
  messageId: string;
  to: string;
  from?: string;
  text?: string;
  sentAt: string;
  doneAt?: string;
  messageCount: 1;
  price: { pricePerMessage: number; currency: string };
  status: InfobipStatus;
  error: InfobipError;
  callbackData?: string;
}

/** A report (or log entry) in Infobip's shape; `doneAt` only once the state is final. */
export function infobipReport(source: EmailReportSource): InfobipReport {
  const state = source.state ?? MessageState.GENERATED;
  const { status, error } = infobipStatusOf(state, source.reason);
  const final = FINAL_REPORT_STATES.includes(state);
  return {
    bulkId: source.bulkId,
    messageId: source.messageId,
    to: source.to,
    ...(source.from !== undefined ? { from: source.from } : {}),
    ...(source.text !== undefined && source.text !== null ? { text: source.text } : {}),
    sentAt: infobipDate(source.sentAt ?? source.acceptedAt),
    ...(final && source.updatedAt ? { doneAt: infobipDate(source.updatedAt) } : {}),
    messageCount: 1,
    price: { pricePerMessage: 0, currency: 'EUR' },
    status,
    error,
    ...(source.callbackData !== null ? { callbackData: source.callbackData } : {}),
  };
}
