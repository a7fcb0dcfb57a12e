import { classify, parseRetryAfter } from './esp-client';
import { checkOutboundUrl, isPrivateAddress } from './outbound-url';

describe('classify', () => {
  it.each([
    [200, 'sent'], [202, 'sent'], [429, 'retry'], [500, 'retry'], [503, 'retry'], [408, 'retry'],
    [400, 'rejected'], [401, 'rejected'], [404, 'rejected'], [422, 'rejected'],
  ])('treats HTTP %i as %s', (status, kind) => {
    expect(classify(status, 'body').kind).toBe(kind);
  });

  it('keeps an excerpt of the body in the reason', () => {
    expect(classify(422, '{"error":  "bad\n recipient"}')).toEqual({ kind: 'rejected', status: 422, reason: 'ESP answered 422: {"error": "bad recipient"}' });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('outbound URLs', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1', '::ffff:127.0.0.1'])(
    'counts %s as private', (address) => expect(isPrivateAddress(address)).toBe(true),
  );

  it.each(['8.8.8.8', '2001:4860:4860::8888'])('counts %s as public', (address) => expect(isPrivateAddress(address)).toBe(false));

  it('refuses private targets unless allowed', async () => {
    expect(await checkOutboundUrl('http://127.0.0.1:8080/send', false)).toMatch(/private or loopback/);
    expect(await checkOutboundUrl('http://127.0.0.1:8080/send', true)).toBeUndefined();
    expect(await checkOutboundUrl('https://user:pw@93.184.216.34/x', true)).toMatch(/credentials/);
    expect(await checkOutboundUrl('file:///etc/passwd', true)).toMatch(/http/);
  });
});
