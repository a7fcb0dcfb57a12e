import { GateUris } from '../../gate/src/gate-uris';
import { TokenSigner } from './signed-token';
import { MAX_UNSUBSCRIBE_TOKEN, UNSUBSCRIBE_LINK_DAYS, UnsubscribeLinks } from './unsubscribe-links';

describe('UnsubscribeLinks', () => {
  const signer = new TokenSigner('k'.repeat(40));
  const sut = new UnsubscribeLinks(signer, 'https://send.example.com');
  const accountId = '0b6f3f2e-2c1a-4c39-9f4e-0a7d3c1b9e11';
  const now = Date.UTC(2026, 0, 1);
  const tokenOf = (url: string) => url.slice('https://send.example.com/u/'.length);

  it('makes a link under /u/ whose token names the message and account', () => {
    const url = sut.url(accountId, 42, now);
    expect(url).toMatch(/^https:\/\/send\.example\.com\/u\/[\w-]+\.[\w-]+$/);
    expect(tokenOf(url).length).toBeLessThan(MAX_UNSUBSCRIBE_TOKEN);
    expect(sut.check(tokenOf(url), now)).toEqual({ ok: true, messageId: 42, accountId });
  });

  it('refuses a token whose claims or signature were changed', () => {
    const [payload, mac] = tokenOf(sut.url(accountId, 42, now)).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, m: 43 })).toString('base64url');
    expect(sut.check(`${forged}.${mac}`, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(sut.check(`${payload}.${mac.slice(0, -2)}AA`, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(sut.check('not-a-token', now)).toEqual({ ok: false, reason: 'invalid' });
    expect(sut.check(`${payload}.${mac}${'A'.repeat(MAX_UNSUBSCRIBE_TOKEN)}`, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it(`expires ${UNSUBSCRIBE_LINK_DAYS} days after it was made`, () => {
    const token = tokenOf(sut.url(accountId, 42, now));
    const day = 24 * 3600 * 1000;
    expect(sut.check(token, now + (UNSUBSCRIBE_LINK_DAYS - 1) * day).ok).toBe(true);
    expect(sut.check(token, now + UNSUBSCRIBE_LINK_DAYS * day)).toEqual({ ok: false, reason: 'expired' });
  });

  it('does not accept a token signed for the gate URIs with the same key, nor one made under another key', () => {
    const gateUri = new GateUris(signer, 'https://send.example.com', 60_000).reject('sendout', 42, new Date(now + 3_600_000));
    const gateToken = gateUri.slice(gateUri.lastIndexOf('/') + 1);
    // the same claims, signed with the plain key: still not an unsubscribe token
    const plain = signer.sign({ m: 42, a: accountId, exp: Math.ceil(now / 1000) + 3600 });
    const other = new UnsubscribeLinks(new TokenSigner('o'.repeat(40)), 'https://send.example.com');

    expect(sut.check(gateToken, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(sut.check(plain, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(sut.check(tokenOf(other.url(accountId, 42, now)), now)).toEqual({ ok: false, reason: 'invalid' });
    expect(signer.verify(tokenOf(sut.url(accountId, 42, now)), now)).toEqual({ ok: false, reason: 'invalid' });
  });
});
