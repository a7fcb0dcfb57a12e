/**
 * The common case of message content, text with `{{ contact.firstName }}`-style substitutions and
 * nothing else, rendered by concatenation instead of Liquid's interpreter (which costs more than
 * the POST on the send path). It answers exactly what Liquid would: a template it cannot vouch for
 * is not compiled, and a value it cannot vouch for makes it answer undefined so the caller renders
 * that message with Liquid.
 */

/** Output larger than this goes to Liquid, whose memory and size limits then decide. */
const MAX_FAST_CHARS = 100_000;

/** `{{ a.b.c }}` with plain identifiers: no filters, no brackets, no whitespace control. */
const SIMPLE_OUTPUT = /\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}/g;

/** Names Liquid reads its own way: literals at the root, and the array helpers anywhere. */
const LIQUID_NAMES = new Set(['true', 'false', 'nil', 'null', 'empty', 'blank', 'size', 'first', 'last']);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const hasOwn = Object.prototype.hasOwnProperty;

export class PlainSubstitution {
  private constructor(
    /** Literal text around the substitutions: one more than `paths`. */
    private readonly texts: string[],
    private readonly paths: string[][],
    private readonly escapeHtml: boolean,
  ) {}

  /** Undefined unless the source is only text and simple substitutions (then Liquid renders it). */
  static compile(source: string, escapeHtml: boolean): PlainSubstitution | undefined {
    const texts: string[] = [];
    const paths: string[][] = [];
    let last = 0;
    for (const match of source.matchAll(SIMPLE_OUTPUT)) {
      const path = match[1].split('.');
      if (path.some((name) => LIQUID_NAMES.has(name))) return undefined;
      texts.push(source.slice(last, match.index));
      paths.push(path);
      last = match.index! + match[0].length;
    }
    texts.push(source.slice(last));
    // Any other tag or output, even one Liquid would read as text, is Liquid's to render.
    if (texts.some((text) => text.includes('{{') || text.includes('{%') || text.endsWith('{'))) return undefined;
    return new PlainSubstitution(texts, paths, escapeHtml);
  }

  /** The rendered text, or undefined when a value is one only Liquid can write (a list, an object). */
  render(scope: Record<string, unknown>): string | undefined {
    let out = this.texts[0];
    for (let i = 0; i < this.paths.length; i++) {
      const value = read(scope, this.paths[i]);
      let text: string;
      if (value === undefined || value === null) text = '';
      else if (typeof value === 'string') text = value;
      else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
      else return undefined;
      out += (this.escapeHtml ? escapeHtml(text) : text) + this.texts[i + 1];
      if (out.length > MAX_FAST_CHARS) return undefined;
    }
    return out;
  }
}

/** Liquid's lookup with `ownPropertyOnly`: inherited names (`constructor`, `__proto__`) are undefined. */
function read(scope: unknown, path: string[]): unknown {
  let value = scope;
  for (const name of path) {
    if (value === undefined || value === null) return value;
    if (typeof value === 'object' && !hasOwn.call(value, name)) return undefined;
    if (typeof value !== 'object' && (typeof value !== 'string' || !hasOwn.call(value, name))) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

function escapeHtml(text: string): string {
  return /[&<>"']/.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]) : text;
}
