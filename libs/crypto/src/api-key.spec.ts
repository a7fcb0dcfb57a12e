import { apiKeyPrefix, generateApiKey, hashApiKey, readApiKey } from './api-key';

describe('API keys', () => {
  it('are long random strings, told apart by a short prefix that reveals little', () => {
    const sut = generateApiKey();
    expect(sut).toMatch(/^sg_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(sut);
    expect(apiKeyPrefix(sut)).toBe(sut.slice(0, 10));
  });

  it('are stored as their SHA-256, never as themselves', () => {
    const sut = hashApiKey('sg_example');
    expect(sut).toMatch(/^[0-9a-f]{64}$/);
    expect(sut).not.toContain('sg_example');
  });

  it.each([
    ['Bearer sg_abc', 'sg_abc'],
    ['App sg_abc', 'sg_abc'],
    ['bearer   sg_abc  ', 'sg_abc'],
    ['Basic Zm9vOmJhcg==', 'bar'],
    [`Basic ${Buffer.from('user:sg_abc').toString('base64')}`, 'sg_abc'],
    [`Basic ${Buffer.from('no-colon').toString('base64')}`, undefined],
    [`Basic ${Buffer.from('user:').toString('base64')}`, undefined],
    ['Bearer', undefined],
    [undefined, undefined],
  ])('are read from "%s"', (header, expected) => {
    expect(readApiKey(header)).toBe(expected);
  });
});
