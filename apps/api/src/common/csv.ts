/**
 * Reads CSV as RFC 4180 writes it: fields separated by commas, records by LF or CRLF; a field in
 * double quotes may hold commas, line breaks and doubled quotes (`""`). One pass over the text:
 * a 64 MB upload is read in linear time. A malformed record (text after a closing quote, a quote
 * inside a field that does not start with one, a quote never closed) is answered as a problem of
 * its line, and reading goes on with the next line.
 */

export type CsvRecord = { line: number; fields: string[] } | { line: number; problem: string };

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** The records of `text`, each with the line it starts on (1-based); a leading byte order mark is skipped. */
export function* csvRecords(text: string): Generator<CsvRecord> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let problem: string | undefined;
    for (;;) {
      const quoted = text.charCodeAt(i) === QUOTE;
      let value = '';
      if (quoted) {
        i++;
        let closed = false;
        while (!closed) {
          const quote = text.indexOf('"', i);
          const end = quote === -1 ? text.length : quote;
          value += text.slice(i, end);
          line += countLines(text, i, end);
          if (quote === -1) {
            i = end;
            break;
          }
          if (text.charCodeAt(quote + 1) === QUOTE) {
            value += '"';
            i = quote + 2;
          } else {
            i = quote + 1;
            closed = true;
          }
        }
        if (!closed) problem = 'has a quoted field that is never closed';
      } else {
        const end = endOfField(text, i);
        value = text.slice(i, end);
        i = end;
      }
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        fields.push(value);
        i++;
        continue;
      }
      if (i >= text.length || c === LF || (c === CR && text.charCodeAt(i + 1) === LF)) {
        fields.push(value);
        if (i < text.length) {
          i += c === CR ? 2 : 1;
          line++;
        }
        break;
      }
      problem ??= quoted ? 'has text after the closing quote of a field' : 'has a quote inside a field that does not start with one';
      const next = text.indexOf('\n', i);
      i = next === -1 ? text.length : next + 1;
      line++;
      break;
    }
    yield problem !== undefined ? { line: start, problem } : { line: start, fields };
  }
}

/** Where an unquoted field ends: at the next comma, quote, LF or CRLF. */
function endOfField(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === QUOTE || c === LF || (c === CR && text.charCodeAt(i + 1) === LF)) return i;
  }
  return text.length;
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === LF) n++;
  return n;
}
