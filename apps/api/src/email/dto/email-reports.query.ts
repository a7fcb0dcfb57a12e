/**
 * The query strings of `GET /email/1/reports` and `GET /email/1/logs`, read as Infobip's clients
 * send them: `messageId` may repeat (`?messageId=a&messageId=b`), dates come in Infobip's
 * `yyyy-MM-dd'T'HH:mm:ss.SSS+0000` or as ISO 8601. Every value is bounded; a bad one is a 400 naming
 * its field. Parameters these routes do not know are ignored, as Infobip does.
 */
import { FieldError, GENERAL_STATUSES, GeneralStatus, readInfobipTime } from '@sendgate/domain';
import { LogsQuery, MAX_REPORTS_LIMIT, ReportsQuery } from '@sendgate/database';
import { badRequest } from '../../common/validation';

/** As the columns hold them: a client's bulkId and messageId, and an address. */
const ID_MAX = 100;
const ADDRESS_MAX = 320;
const MAX_MESSAGE_IDS = 1_000;

type RawQuery = Record<string, unknown>;

export function parseReportsQuery(raw: RawQuery): ReportsQuery {
  const read = new QueryReader(raw);
  const query: ReportsQuery = {
    bulkId: read.text('bulkId', ID_MAX),
    messageId: read.text('messageId', ID_MAX),
    limit: read.limit(),
  };
  return read.done(query);
}

export function parseLogsQuery(raw: RawQuery): LogsQuery {
  const read = new QueryReader(raw);
  const query: LogsQuery = {
    messageIds: read.texts('messageId', ID_MAX, MAX_MESSAGE_IDS),
    from: read.text('from', ADDRESS_MAX),
    to: read.text('to', ADDRESS_MAX),
    bulkId: read.text('bulkId', ID_MAX),
    generalStatus: read.generalStatus(),
    sentSince: read.date('sentSince'),
    sentUntil: read.date('sentUntil'),
    limit: read.limit(),
  };
  return read.done(query);
}

/** A date in Infobip's form or ISO 8601 (a bare day is midnight UTC), or undefined when it is neither. */
export function parseApiDate(text: string): Date | undefined {
  return readInfobipTime(text, { bareDay: true });
}

class QueryReader {
  private readonly errors: FieldError[] = [];

  constructor(private readonly raw: RawQuery) {}

  /** All values of a repeatable parameter. */
  texts(field: string, max: number, maxCount: number): string[] | undefined {
    const value = this.raw[field];
    if (value === undefined) return undefined;
    const values = Array.isArray(value) ? value : [value];
    if (values.length > maxCount) return void this.errors.push({ field, message: `must be given at most ${maxCount} times` });
    if (values.some((v) => typeof v !== 'string' || v.length === 0 || v.length > max))
      return void this.errors.push({ field, message: `must be 1 to ${max} characters` });
    return values as string[];
  }

  /** A parameter given at most once. */
  text(field: string, max: number): string | undefined {
    const value = this.raw[field];
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return void this.errors.push({ field, message: 'must be given once' });
    if (typeof value !== 'string' || value.length === 0 || value.length > max)
      return void this.errors.push({ field, message: `must be 1 to ${max} characters` });
    return value;
  }

  limit(): number | undefined {
    const text = this.text('limit', 12);
    if (text === undefined) return undefined;
    const limit = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(limit >= 1 && limit <= MAX_REPORTS_LIMIT))
      return void this.errors.push({ field: 'limit', message: `must be an integer from 1 to ${MAX_REPORTS_LIMIT}` });
    return limit;
  }

  generalStatus(): GeneralStatus | undefined {
    const text = this.text('generalStatus', 20);
    if (text === undefined) return undefined;
    const status = text.toUpperCase() as GeneralStatus;
    if (!GENERAL_STATUSES.includes(status))
      return void this.errors.push({ field: 'generalStatus', message: `must be one of ${GENERAL_STATUSES.join(', ')}` });
    return status;
  }

  date(field: string): Date | undefined {
    const text = this.text(field, 40);
    if (text === undefined) return undefined;
    const date = parseApiDate(text);
    if (!date) return void this.errors.push({ field, message: "must be a date as yyyy-MM-dd'T'HH:mm:ss.SSS+0000 or ISO 8601" });
    return date;
  }

  /** The query without its absent fields, or a 400 naming every bad one. */
  done<T extends object>(query: T): T {
    if (this.errors.length > 0) throw badRequest(this.errors);
    return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as T;
  }
}
