import { BadRequestException } from '@nestjs/common';
import { parseApiDate, parseLogsQuery, parseReportsQuery } from './email-reports.query';

/** The field errors of a rejected query. */
function fieldErrors(parse: () => unknown): Array<{ field: string; message: string }> {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { errors: Array<{ field: string; message: string }> }).errors;
  }
  throw new Error('the query was accepted');
}

describe('parseApiDate', () => {
  it.each([
    ['2026-11-24T10:15:30.123+0000', '2026-11-24T10:15:30.123Z'],
    ['2026-11-24T12:15:30.123+0200', '2026-11-24T10:15:30.123Z'],
    ['2026-11-24T10:15:30Z', '2026-11-24T10:15:30.000Z'],
    ['2026-11-24T10:15:30.123456-01:00', '2026-11-24T11:15:30.123Z'],
    ['2026-11-24', '2026-11-24T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseApiDate(text)?.toISOString()).toBe(iso);
  });

  it.each(['yesterday', '2026-11-24T10:15:30', '2026-02-30T00:00:00Z', '2026-11-24T25:00:00Z', '1732443330'])('refuses %s', (text) => {
    expect(parseApiDate(text)).toBeUndefined();
  });
});

describe('parseReportsQuery', () => {
  it('reads bulkId, messageId and limit', () => {
    expect(parseReportsQuery({ bulkId: 'b-1', messageId: 'm-1', limit: '20', other: 'ignored' })).toEqual({
      bulkId: 'b-1',
      messageId: 'm-1',
      limit: 20,
    });
    expect(parseReportsQuery({})).toEqual({});
  });

  it.each(['0', '1001', '-1', '2.5', 'ten'])('refuses limit=%s, naming the field', (limit) => {
    expect(fieldErrors(() => parseReportsQuery({ limit }))).toEqual([{ field: 'limit', message: 'must be an integer from 1 to 1000' }]);
  });

  it('refuses a messageId that is too long or given twice', () => {
    expect(fieldErrors(() => parseReportsQuery({ messageId: 'x'.repeat(101) }))[0].field).toBe('messageId');
    expect(fieldErrors(() => parseReportsQuery({ messageId: ['a', 'b'] }))[0]).toEqual({
      field: 'messageId',
      message: 'must be given once',
    });
  });
});

describe('parseLogsQuery', () => {
  it('reads repeated messageIds, the filters and both date forms', () => {
    expect(
      parseLogsQuery({
        messageId: ['a', 'b'],
        from: 'jane@example.com',
        to: 'john@example.com',
        bulkId: 'b-1',
        generalStatus: 'delivered',
        sentSince: '2026-11-24T10:00:00.000+0000',
        sentUntil: '2026-11-24T11:00:00Z',
        limit: '1000',
      }),
    ).toEqual({
      messageIds: ['a', 'b'],
      from: 'jane@example.com',
      to: 'john@example.com',
      bulkId: 'b-1',
      generalStatus: 'DELIVERED',
      sentSince: new Date('2026-11-24T10:00:00.000Z'),
      sentUntil: new Date('2026-11-24T11:00:00.000Z'),
      limit: 1000,
    });
    expect(parseLogsQuery({ messageId: 'a' })).toEqual({ messageIds: ['a'] });
  });

  it('names every bad field at once', () => {
    const errors = fieldErrors(() =>
      parseLogsQuery({ generalStatus: 'LOST', sentSince: 'yesterday', limit: '5000', messageId: ['a', ''] }),
    );
    expect(errors.map((e) => e.field).sort()).toEqual(['generalStatus', 'limit', 'messageId', 'sentSince']);
  });

  it('bounds how many messageIds a query names', () => {
    const messageId = Array.from({ length: 1001 }, (_, i) => `m-${i}`);
    expect(fieldErrors(() => parseLogsQuery({ messageId }))).toEqual([{ field: 'messageId', message: 'must be given at most 1000 times' }]);
  });
});
