import { findUnpairedSurrogate, isInheritedName, jsonNestingDepth } from './json-limits';

describe('jsonNestingDepth', () => {
  it.each([
    ['1', 0],
    ['"x"', 0],
    ['{}', 1],
    ['[[]]', 2],
    ['{"a":[{"b":{}}]}', 4],
    ['[{}, [], {"a": [1]}]', 3],
  ])('measures %s as %i deep', (text, depth) => {
    expect(jsonNestingDepth(text)).toBe(depth);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestingDepth('{"a":"[[[{{{\\"[[["}')).toBe(1);
  });

  it('stops counting once past the limit', () => {
    expect(jsonNestingDepth('['.repeat(100_000), 64)).toBe(65);
  });
});

describe('isInheritedName', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', '__defineGetter__'])('refuses %s', (name) => {
    expect(isInheritedName(name)).toBe(true);
  });

  it.each(['firstName', 'tier', 'proto', 'Constructor'])('allows %s', (name) => {
    expect(isInheritedName(name)).toBe(false);
  });
});

describe('findUnpairedSurrogate', () => {
  const find = (text: string) => findUnpairedSurrogate(text, JSON.parse(text));

  it('names the field that holds an unpaired surrogate', () => {
    expect(find('{"contacts":[{"externalId":"a"},{"email":"x\\ud800"}]}')).toBe('contacts[1].email');
  });

  it('names a key that holds one', () => {
    expect(find('{"attributes":{"\\udc00":1}}')).toBe('attributes.\udc00');
  });

  it('accepts pairs, escaped or not', () => {
    expect(find('{"a":"\\ud83d\\ude00","b":"😀"}')).toBeUndefined();
  });

  it('does not walk a text without surrogate escapes', () => {
    expect(findUnpairedSurrogate('{}', { a: '\ud800' })).toBeUndefined();
  });
});
