/**
 * Limits on untrusted JSON. Deeply nested JSON parses fine but overflows the stack of every
 * recursive walker after it (validation, templates, JSON.stringify), so its depth is measured on
 * the text, without recursion, before anything walks it.
 */

/** How deep objects and arrays nest in a JSON text, stopping early once past `limit`. */
export function jsonNestingDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return max;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Names every object already answers to (`constructor`, `toString`, `__proto__`, …). As attribute
 * names they would read the prototype instead of data, in SQL generation and in templates alike.
 */
export function isInheritedName(name: string): boolean {
  return INHERITED.has(name);
}
