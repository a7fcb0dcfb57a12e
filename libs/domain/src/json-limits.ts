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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** JSON can only carry an unpaired surrogate as an escape (`\ud800`); texts without one need no walk. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * The path (`contacts[0].email`) of the first key or string in a parsed JSON text that holds an
 * unpaired UTF-16 surrogate: valid JSON, but not text, and it breaks validators and encoders downstream.
 */
export function findUnpairedSurrogate(text: string, value: unknown): string | undefined {
  if (!SURROGATE_ESCAPE.test(text)) return undefined;
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'string') {
      if (LONE_SURROGATE.test(node)) return path || '(body)';
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (node && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        const at = path ? `${path}.${key}` : key;
        if (LONE_SURROGATE.test(key)) return at;
        stack.push([item, at]);
      }
    }
  }
  return undefined;
}
