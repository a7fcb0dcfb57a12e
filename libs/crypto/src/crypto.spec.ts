import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';
import { TokenSigner } from './signed-token';

describe('SecretBox', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('opens what it sealed, and never shows the plain text', () => {
    const sut = new SecretBox({ k1 }, 'k1');
    const sealed = sut.seal('p@ssw0rd');
    expect(sealed).not.toContain('p@ssw0rd');
    expect(sealed.startsWith('v1.k1.')).toBe(true);
    expect(sut.open(sealed)).toBe('p@ssw0rd');
  });

  it('opens values sealed under an older key after rotation, and says they need re-sealing', () => {
    const old = new SecretBox({ k1 }, 'k1').seal('secret');
    const sut = new SecretBox({ k1, k2 }, 'k2');
    expect(sut.open(old)).toBe('secret');
    expect(sut.needsRotation(old)).toBe(true);
    expect(sut.needsRotation(sut.seal('secret'))).toBe(false);
  });

  it('refuses a tampered value', () => {
    const sut = new SecretBox({ k1 }, 'k1');
    const parts = sut.seal('secret').split('.');
    parts[4] = Buffer.from('forged').toString('base64url');
    expect(() => sut.open(parts.join('.'))).toThrow();
  });
});

describe('TokenSigner', () => {
  const sut = new TokenSigner('x'.repeat(40));

  it('verifies its own tokens until they expire', () => {
    const token = sut.sign({ s: 'sendout', exp: 2_000 });
    expect(sut.verify(token, 1_000_000)).toEqual({ ok: true, claims: { s: 'sendout', exp: 2_000 } });
    expect(sut.verify(token, 2_000_000)).toMatchObject({ ok: false, reason: 'expired' });
  });

  it.each([
    ['a token signed with another key', new TokenSigner('y'.repeat(40)).sign({ s: 'a', exp: 9e9 })],
    [
      'a token with altered claims',
      `${Buffer.from('{"s":"b","exp":9000000000}').toString('base64url')}.` +
        new TokenSigner('x'.repeat(40)).sign({ s: 'a', exp: 9e9 }).split('.')[1],
    ],
    ['garbage', 'not-a-token'],
    ['an empty signature', 'abc.'],
  ])('refuses %s as invalid', (_, token) => {
    expect(sut.verify(token)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  describe('after a rotation', () => {
    const [oldKey, newKey, otherKey] = ['o'.repeat(40), 'n'.repeat(40), 'z'.repeat(40)];
    const rotated = new TokenSigner(newKey, [oldKey]);

    it("verifies the previous key's tokens until they expire, and signs with the new key only", () => {
      const before = new TokenSigner(oldKey).sign({ s: 'a', exp: 2_000 });
      expect(rotated.verify(before, 1_000_000)).toEqual({ ok: true, claims: { s: 'a', exp: 2_000 } });
      expect(rotated.verify(before, 2_000_000)).toMatchObject({ ok: false, reason: 'expired' });

      const after = rotated.sign({ s: 'a', exp: 9e9 });
      expect(new TokenSigner(newKey).verify(after)).toMatchObject({ ok: true });
      expect(new TokenSigner(oldKey).verify(after)).toMatchObject({ ok: false, reason: 'invalid' });
    });

    it('refuses a token of a key it does not list', () => {
      expect(rotated.verify(new TokenSigner(otherKey).sign({ s: 'a', exp: 9e9 }))).toMatchObject({ ok: false, reason: 'invalid' });
    });

    it('derives its purpose keys from the previous keys too: an old unsubscribe token verifies, a plain token does not', () => {
      const oldPurpose = new TokenSigner(oldKey).derive('unsubscribe');
      expect(rotated.derive('unsubscribe').verify(oldPurpose.sign({ m: 1, exp: 9e9 }))).toMatchObject({ ok: true });
      expect(rotated.derive('unsubscribe').verify(new TokenSigner(oldKey).sign({ m: 1, exp: 9e9 }))).toMatchObject({ ok: false });
    });

    it('refuses a previous key shorter than 32 characters', () => {
      expect(() => new TokenSigner(newKey, ['short'])).toThrow(/at least 32 characters/);
    });
  });
});
