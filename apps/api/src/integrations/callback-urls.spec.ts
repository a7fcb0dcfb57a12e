import { SendgateConfig } from '@sendgate/config';
import { TokenSigner } from '@sendgate/crypto';
import { CallbackUrls } from './callback-urls';

describe('callback URLs', () => {
  const signer = new TokenSigner('k'.repeat(32));
  const sut = new CallbackUrls(signer, { api: { publicBaseUrl: 'https://sendgate.example.com' } } as SendgateConfig);
  const tokenOf = (url: string) => url.slice('https://sendgate.example.com/hooks/esp/'.length);

  it('names the integration and its token version', () => {
    const url = sut.url('0b7c2f7e-4d2a-4c1e-9a55-3f1d2e4b5a6c', 3);
    expect(url).toMatch(/^https:\/\/sendgate\.example\.com\/hooks\/esp\/[\w-]+\.[\w-]+$/);
    expect(sut.check(tokenOf(url))).toEqual({ integrationId: '0b7c2f7e-4d2a-4c1e-9a55-3f1d2e4b5a6c', version: 3 });
  });

  it('refuses a token signed with another key, a tampered one, and a gate token', () => {
    const other = new CallbackUrls(new TokenSigner('x'.repeat(32)), {
      api: { publicBaseUrl: 'https://sendgate.example.com' },
    } as SendgateConfig);
    const [payload, mac] = tokenOf(sut.url('i', 1)).split('.');
    const raised = Buffer.from(JSON.stringify({ p: 'esp-callback', i: 'i', v: 2, exp: 253402300799 })).toString('base64url');

    expect(sut.check(tokenOf(other.url('i', 1)))).toBeUndefined();
    expect(sut.check(`${raised}.${mac}`)).toBeUndefined();
    expect(sut.check(`${payload}.${mac}x`)).toBeUndefined();
    expect(sut.check(signer.sign({ a: 'finish', s: 'i', exp: 253402300799 }))).toBeUndefined();
  });
});
