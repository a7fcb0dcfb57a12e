import { TokenSigner } from '@sendgate/crypto';
import { GateUris } from './gate-uris';

describe('GateUris', () => {
  const sut = new GateUris(new TokenSigner('k'.repeat(40)), 'https://sendgate.example.com', 60_000);
  const deadline = new Date('2030-01-01T00:00:00Z');
  const tokenOf = (uri: string) => uri.split('/').pop()!;

  it('scopes a reject URI to one sendout and one message', () => {
    const uri = sut.reject('s-1', 42, deadline);
    expect(uri.startsWith('https://sendgate.example.com/gate/v1/reject/')).toBe(true);
    expect(sut.check(tokenOf(uri), 'reject', deadline.getTime())).toEqual({
      ok: true,
      claims: { a: 'reject', s: 's-1', m: 42, exp: expect.any(Number) },
    });
  });

  it('stays valid through the grace period after the deadline, then answers 410', () => {
    const token = tokenOf(sut.finish('s-1', deadline));
    expect(sut.check(token, 'finish', deadline.getTime() + 59_000).ok).toBe(true);
    expect(sut.check(token, 'finish', deadline.getTime() + 61_000)).toMatchObject({ ok: false, status: 410 });
  });

  it('refuses a token used for another action', () => {
    expect(sut.check(tokenOf(sut.items('s-1', deadline)), 'finish', 0)).toMatchObject({ ok: false, status: 401 });
  });
});
