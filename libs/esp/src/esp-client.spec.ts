import { classify, parseRetryAfter } from './esp-client';
import { OutboundGuard } from './outbound-connect';
import { checkOutboundUrl } from './outbound-url';

describe('classify', () => {
  it.each([
    [200, 'sent'],
    [202, 'sent'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [408, 'retry'],
    [400, 'rejected'],
    [401, 'rejected'],
    [404, 'rejected'],
    [422, 'rejected'],
  ])('treats HTTP %i as %s', (status, kind) => {
    expect(classify(status, 'body').kind).toBe(kind);
  });

  it('keeps an excerpt of the body in the reason', () => {
    expect(classify(422, '{"error":  "bad\n recipient"}')).toEqual({
      kind: 'rejected',
      status: 422,
      reason: 'ESP answered 422: {"error": "bad recipient"}',
    });
  });
});

describe('parseRetryAfter', () => {
  it('waits at most an hour, however long the ESP asks for', () => {
    expect(parseRetryAfter('86400')).toBe(3_600_000);
    expect(parseRetryAfter(new Date(10 * 3_600_000).toUTCString(), 0)).toBe(3_600_000);
  });

  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('outbound URLs', () => {
  it('refuses private targets unless allowed', async () => {
    const refusing = new OutboundGuard({ allowPrivateNetworks: false });
    const allowing = new OutboundGuard({ allowPrivateNetworks: true });
    expect(await checkOutboundUrl('http://127.0.0.1:8080/send', refusing)).toMatch(/private or loopback/);
    expect(await checkOutboundUrl('http://[::ffff:7f00:1]:8080/send', refusing)).toMatch(/private or loopback/);
    expect(await checkOutboundUrl('http://127.0.0.1:8080/send', allowing)).toBeUndefined();
    expect(await checkOutboundUrl('https://user:pw@93.184.216.34/x', allowing)).toMatch(/credentials/);
    expect(await checkOutboundUrl('file:///etc/passwd', allowing)).toMatch(/http/);
  });
});
