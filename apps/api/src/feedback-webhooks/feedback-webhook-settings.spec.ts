import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { MASK, SecretBox } from '@sendgate/crypto';
import { FeedbackWebhookEntity } from '@sendgate/database';
import { FieldError } from '@sendgate/domain';
import { JwtFeedbackAuthDto } from './dto/feedback-webhook-auth.dto';
import { FeedbackWebhookSettings } from './feedback-webhook-settings';

const SECRET = 'a-shared-secret-of-at-least-32-characters';

describe('FeedbackWebhookSettings', () => {
  const box = new SecretBox({ k: randomBytes(32) }, 'k');
  const sut = new FeedbackWebhookSettings(box);
  const jwt = (fields: Partial<JwtFeedbackAuthDto>) => Object.assign(new JwtFeedbackAuthDto(), { type: 'jwt', ...fields });
  const stored = async (auth: JwtFeedbackAuthDto) => {
    const errors: FieldError[] = [];
    const sealed = await sut.auth(auth, undefined, false, errors);
    expect(errors).toEqual([]);
    return { ...sealed, headers: [{ key: 'X-Key', secret: true, value: box.seal('hdr') }] } as FeedbackWebhookEntity;
  };

  describe('when a JWT secret is sent back as the mask', () => {
    it('keeps the stored one while the origin and the algorithm stay', async () => {
      const current = await stored(jwt({ algorithm: 'HS256', secret: SECRET }));
      const errors: FieldError[] = [];

      const kept = await sut.auth(jwt({ algorithm: 'HS256', secret: MASK, issuer: 'i' }), current, false, errors);

      expect(errors).toEqual([]);
      expect(box.open(kept.authSecret!)).toBe(SECRET);
      expect(kept.authSettings).toEqual({ algorithm: 'HS256', issuer: 'i', expiresInSeconds: 300 });
    });

    it('refuses it, naming the field, when the URL moves to another origin', async () => {
      const current = await stored(jwt({ algorithm: 'HS256', secret: SECRET }));
      const errors: FieldError[] = [];

      await sut.auth(jwt({ algorithm: 'HS256', secret: MASK }), current, true, errors);

      expect(errors).toEqual([{ field: 'auth.secret', message: expect.stringContaining('send the secret again') }]);
    });

    it('refuses it when no key of that algorithm is stored', async () => {
      const current = await stored(jwt({ algorithm: 'HS256', secret: SECRET }));
      const errors: FieldError[] = [];

      await sut.auth(jwt({ algorithm: 'ES256', privateKey: MASK }), current, false, errors);

      expect(errors.map((e) => e.field)).toEqual(['auth.privateKey']);
    });
  });

  it('checks a private key against its algorithm before sealing it', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const errors: FieldError[] = [];

    const good = await sut.auth(jwt({ algorithm: 'ES256', privateKey: pem }), undefined, false, errors);
    await sut.auth(jwt({ algorithm: 'RS256', privateKey: pem }), undefined, false, errors);

    expect(box.open(good.authSecret!)).toBe(pem);
    expect(errors).toEqual([{ field: 'auth.privateKey', message: 'not a PKCS#8 PEM RSA private key' }]);
  });

  it('refuses reserved headers, authorization only for a JWT webhook, and a header twice', () => {
    const errors: FieldError[] = [];
    const headers = [
      { key: 'Connection', value: 'close' },
      { key: 'Authorization', value: 'Bearer x' },
      { key: 'x-a', value: '1' },
      { key: 'X-A', value: '2' },
    ];

    sut.headers(headers, 'jwt', [], false, errors);
    const none: FieldError[] = [];
    sut.headers([{ key: 'Authorization', value: 'Bearer x' }], 'none', [], false, none);

    expect(errors.map((e) => e.field)).toEqual(['headers[0].key', 'headers[1].key', 'headers[3].key']);
    expect(none).toEqual([]);
  });

  it('keeps a masked secret header only while the origin stays', async () => {
    const current = await stored(jwt({ algorithm: 'HS256', secret: SECRET }));
    const errors: FieldError[] = [];

    const [kept] = sut.headers([{ key: 'x-key', value: MASK, secret: true }], 'jwt', current.headers!, false, errors);
    sut.headers([{ key: 'X-Key', value: MASK, secret: true }], 'jwt', current.headers!, true, errors);

    expect(box.open(kept.value)).toBe('hdr');
    expect(errors).toEqual([{ field: 'headers[0].value', message: expect.stringContaining('send the secret again') }]);
    expect(sut.leftBehind(current, false, false).map((e) => e.field)).toEqual(['headers', 'auth']);
  });
});
