import { isUUID } from 'class-validator';
import { canonicalHash, sendoutIdForKey } from './identifiers';

describe('sendoutIdForKey', () => {
  it('is a UUID, the same for the same account and key', () => {
    const sut = sendoutIdForKey('account-1', 'order-42');
    expect(isUUID(sut)).toBe(true);
    expect(sendoutIdForKey('account-1', 'order-42')).toBe(sut);
  });

  it('differs across accounts and keys', () => {
    const ids = new Set([sendoutIdForKey('a', 'k'), sendoutIdForKey('b', 'k'), sendoutIdForKey('a', 'k2')]);
    expect(ids.size).toBe(3);
  });
});

describe('canonicalHash', () => {
  it('ignores object key order, not array order or values', () => {
    expect(canonicalHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(canonicalHash({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(canonicalHash({ a: [1, 2] })).not.toBe(canonicalHash({ a: [2, 1] }));
    expect(canonicalHash({ a: 1 })).not.toBe(canonicalHash({ a: 2 }));
  });
});
