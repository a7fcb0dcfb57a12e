import { randomUUID } from 'node:crypto';
import { idempotencyKey, parseSentRequestKey } from './identifiers';

describe('parseSentRequestKey', () => {
  const sendoutId = randomUUID();
  const integrationId = randomUUID();

  it('reads the key of a sendout message', () => {
    expect(parseSentRequestKey(idempotencyKey(sendoutId, 42))).toEqual({ kind: 'message', sendoutId, contactId: '42' });
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
