import { isInheritedName, jsonNestingDepth } from './json-limits';

describe('jsonNestingDepth', () => {
  it.each([
    ['1', 0], ['"x"', 0], ['{}', 1], ['[[]]', 2], ['{"a":[{"b":{}}]}', 4], ['[{}, [], {"a": [1]}]', 3],
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
