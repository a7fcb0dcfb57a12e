import { groupBy } from './collections';

describe('groupBy', () => {
  it('groups items by key, keeping the order of the items within each group and of first appearance across groups', () => {
    const sut = groupBy(['b1', 'a1', 'b2', 'c1', 'a2'], (s) => s[0]);

    expect([...sut.entries()]).toEqual([
      ['b', ['b1', 'b2']],
      ['a', ['a1', 'a2']],
      ['c', ['c1']],
    ]);
  });
});
