import { createHash } from 'node:crypto';
import { maskedRequestHeaders, readMessageId, requestHeaders, userIdentifier } from './integration-request';

describe('userIdentifier', () => {
  const contact = { email: ' Ada@Example.COM ', phone: '+447700900123', externalId: 'crm-1' };
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  it.each([
    ['email', ' Ada@Example.COM '],
    ['email_sha256', sha256('ada@example.com')],
    ['phone', '+447700900123'],
    ['external_id', 'crm-1'],
  ])('reads the %s', (type, expected) => expect(userIdentifier(type, contact)).toBe(expected));

  it('has no identifier for a contact without the field', () => {
    expect(userIdentifier('email_sha256', { ...contact, email: null })).toBeNull();
  });
});

describe('request headers', () => {
  const headers = [
    { key: 'X-Api-Key', value: 'k3y', secret: true },
    { key: 'X-Tenant', value: 'acme', secret: false },
  ];

  it('carries the secrets when sending and masks them when showing', () => {
    expect(requestHeaders(headers, { type: 'basic', username: 'u', password: 'p' })).toEqual({
      'x-api-key': 'k3y',
      'x-tenant': 'acme',
      authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
    });
    expect(maskedRequestHeaders(headers, { type: 'basic', username: 'u', password: 'p' })).toEqual({
      'x-api-key': '********',
      'x-tenant': 'acme',
      authorization: 'Basic ********',
    });
  });
});

describe('readMessageId', () => {
  it.each([
    ['messageId', '{"messageId":"m-1"}', 'm-1'],
    ['messages[0].messageId', '{"messages":[{"messageId":"ib-7"}]}', 'ib-7'],
    ['data.id', '{"data":{"id":42}}', '42'],
    ['data.id', '{"data":{}}', undefined],
    ['id', 'not json', undefined],
  ])('reads %s', (path, body, expected) => expect(readMessageId(path, body)).toBe(expected));
});
