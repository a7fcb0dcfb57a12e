import { BadRequestException } from '@nestjs/common';
import { Channel } from '@sendgate/domain';
import { ImportDefaults, MAX_IMPORT_ERRORS, MAX_IMPORT_LINES, parseImport } from './suppression-import';

const defaults: ImportDefaults = { channel: Channel.EMAIL, reason: 'manual', source: 'import 7' };

function refusal(read: () => unknown): Array<{ field: string; message: string }> {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { errors: Array<{ field: string; message: string }> }).errors;
  }
  throw new Error('not refused');
}

describe('parseImport', () => {
  describe('of NDJSON', () => {
    it('normalises each line, takes what a line leaves out from the defaults, and skips blank lines', () => {
      const text = [
        '{"address":" Ada@Example.com "}',
        '',
        '   ',
        '{"address":"+44 1234 567890","channel":"sms","reason":"complaint","source":"ticket 9"}\r',
        '{"address":"grace@example.com","reason":null,"source":""}',
      ].join('\n');
      expect(parseImport(text, 'ndjson', defaults)).toEqual({
        received: 3,
        invalid: 0,
        errors: [],
        entries: [
          { channel: 'email', address: 'ada@example.com', reason: 'manual', source: 'import 7' },
          { channel: 'sms', address: '+441234567890', reason: 'complaint', source: 'ticket 9' },
          { channel: 'email', address: 'grace@example.com', reason: 'manual', source: 'import 7' },
        ],
      });
    });

    it('skips and reports each invalid line by its line number and field, keeping the valid ones', () => {
      const text = [
        '{"address":"ada@example.com"}',
        'not json',
        '["ada@example.com"]',
        '{"address":"nope"}',
        '{"address":"bob@example.com","reason":"bored","source":"' + 's'.repeat(201) + '"}',
        '{"address":"eve@example.com","channel":"fax","extra":1}',
        '{"address":"\\ud800@example.com"}',
        '{"channel":"email"}',
        '{"address":"grace@example.com"}',
      ].join('\n');
      const batch = parseImport(text, 'ndjson', defaults);
      expect(batch.entries.map((e) => e.address)).toEqual(['ada@example.com', 'grace@example.com']);
      expect(batch).toMatchObject({ received: 9, invalid: 7 });
      expect(batch.errors.map((e) => [e.line, e.field])).toEqual([
        [2, '(line)'],
        [3, '(line)'],
        [4, 'address'],
        [5, 'reason'],
        [5, 'source'],
        [6, 'extra'],
        [7, '(line)'],
        [8, 'address'],
      ]);
    });

    it('asks for a channel when neither the line nor the defaults give one', () => {
      const batch = parseImport('{"address":"ada@example.com"}', 'ndjson', { reason: 'manual', source: null });
      expect(batch.errors).toEqual([{ line: 1, field: 'channel', message: expect.stringContaining('channel query parameter') }]);
    });

    it('lists the first hundred problems and counts every invalid line', () => {
      const batch = parseImport('{"address":"x"}\n'.repeat(150), 'ndjson', defaults);
      expect(batch.invalid).toBe(150);
      expect(batch.errors).toHaveLength(MAX_IMPORT_ERRORS);
    });

    it(`refuses a body of no lines, or of more than ${MAX_IMPORT_LINES}`, () => {
      expect(refusal(() => parseImport('\n \n', 'ndjson', defaults))).toEqual([{ field: '(body)', message: 'holds no lines' }]);
      const tooMany = '{"address":"ada@example.com"}\n'.repeat(MAX_IMPORT_LINES + 1);
      expect(refusal(() => parseImport(tooMany, 'ndjson', defaults))).toEqual([
        { field: '(body)', message: expect.stringContaining(`at most ${MAX_IMPORT_LINES}`) },
      ]);
    });
  });

  describe('of CSV', () => {
    it('reads the columns the header names, in any order and case, with quoted fields', () => {
      const text = 'Source,ADDRESS,reason\r\n"said ""stop"", twice",Ada@Example.com,unsubscribed\r\n,"grace@example.com",\r\n\r\n';
      expect(parseImport(text, 'csv', defaults)).toEqual({
        received: 2,
        invalid: 0,
        errors: [],
        entries: [
          { channel: 'email', address: 'ada@example.com', reason: 'unsubscribed', source: 'said "stop", twice' },
          { channel: 'email', address: 'grace@example.com', reason: 'manual', source: 'import 7' },
        ],
      });
    });

    it('reports rows of the wrong width and malformed quoting by line, and reads on', () => {
      const text = 'address,channel\nada@example.com,email,extra\n"bob@example.com"x,email\n+441234567890,sms\n';
      const batch = parseImport(text, 'csv', defaults);
      expect(batch.entries).toEqual([{ channel: 'sms', address: '+441234567890', reason: 'manual', source: 'import 7' }]);
      expect(batch.errors).toEqual([
        { line: 2, field: '(line)', message: 'has 3 fields; the header has 2' },
        { line: 3, field: '(line)', message: 'has text after the closing quote of a field' },
      ]);
    });

    it('refuses a header without address, with an unknown or repeated column, or no header at all', () => {
      expect(refusal(() => parseImport('email\nada@example.com\n', 'csv', defaults))).toEqual([
        { field: '(header)', message: expect.stringContaining('"email"') },
        { field: '(header)', message: 'does not name the column address' },
      ]);
      expect(refusal(() => parseImport('address,address\na,b\n', 'csv', defaults))).toEqual([
        { field: '(header)', message: 'names the column "address" twice' },
      ]);
      expect(refusal(() => parseImport('\n\n', 'csv', defaults))).toEqual([
        { field: '(header)', message: expect.stringContaining('missing') },
      ]);
      expect(refusal(() => parseImport('address\n', 'csv', defaults))).toEqual([
        { field: '(body)', message: 'holds no lines after the header' },
      ]);
    });
  });
});
