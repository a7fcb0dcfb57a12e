import { randomUUID } from 'node:crypto';
import { isUUID } from 'class-validator';
import { canonicalHash, parseSentRequestKey, sendoutIdForKey } from './identifiers';

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

describe('parseSentRequestKey', () => {
  const sendoutId = randomUUID();
  const integrationId = randomUUID();

  it('reads the key of a sendout message', () => {
    expect(parseSentRequestKey(`${sendoutId}:42`)).toEqual({ kind: 'message', sendoutId, contactId: '42' });
  });

  it('reads the key of an integration test call', () => {
    expect(parseSentRequestKey(`test:${integrationId}:${randomUUID()}`)).toEqual({ kind: 'integration-test', integrationId });
  });

  it.each([
    ['an empty key', ''],
    ['a key of the old test format', `test:${randomUUID()}`],
    ['a gate webhook key', `gate:${sendoutId}`],
    ['a contact id that is not a number', `${sendoutId}:abc`],
    ['a sendout id that is not a UUID', 'sendout-1:42'],
    ['trailing text', `${sendoutId}:42:extra`],
  ])('refuses %s', (_, key) => {
    expect(parseSentRequestKey(key)).toBeUndefined();
  });
});
