import { csvRecords } from './csv';

describe('csvRecords', () => {
  const read = (text: string) => [...csvRecords(text)];

  it('splits records on LF and CRLF and fields on commas, keeping empty fields', () => {
    expect(read('a,b,c\r\n1,,3\n\nx')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '', '3'] },
      { line: 3, fields: [''] },
      { line: 4, fields: ['x'] },
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, numbering lines as the file does', () => {
    expect(read('address,source\n"ada@example.com","said ""stop"", twice"\n"multi\nline",x\r\nlast,"\r\n"')).toEqual([
      { line: 1, fields: ['address', 'source'] },
      { line: 2, fields: ['ada@example.com', 'said "stop", twice'] },
      { line: 3, fields: ['multi\nline', 'x'] },
      { line: 5, fields: ['last', '\r\n'] },
    ]);
  });

  it('skips a byte order mark and keeps a lone CR inside a field', () => {
    expect(read('\ufeffa\rb,c\n')).toEqual([{ line: 1, fields: ['a\rb', 'c'] }]);
  });

  it('answers a malformed record as a problem of its line and goes on with the next line', () => {
    expect(read('"a"b,c\nd"e,f\ng,h\n"open,\nnever closed')).toEqual([
      { line: 1, problem: 'has text after the closing quote of a field' },
      { line: 2, problem: 'has a quote inside a field that does not start with one' },
      { line: 3, fields: ['g', 'h'] },
      { line: 4, problem: 'has a quoted field that is never closed' },
    ]);
  });

  it('reads nothing from an empty text', () => {
    expect(read('')).toEqual([]);
    expect(read('\ufeff')).toEqual([]);
  });
});
