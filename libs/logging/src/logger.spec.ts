import { Writable } from 'node:stream';
import { CAPABILITY_ROUTES, createLogger, maskUrl } from '.';

const SECRETS = {
  bearer: 'Bearer sg_live_0123456789abcdef',
  apiKey: 'k3y-0f-the-esp',
  clientSecret: 'oauth2-cl1ent-secret',
  password: 'basic-pa55word',
  cookie: 'session=c00kie',
  espToken: 'esp-callback-t0ken.abcdef0123456789',
  gateToken: 'eyJzIjoic2VuZG91dCJ9.gate-hmac-0123456789',
};

/** A logger whose lines are kept in memory. */
function capture(format: 'json' | 'pretty' = 'json') {
  let text = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  const sut = createLogger({ level: 'info', format }, { name: 'test', destination });
  return {
    sut,
    text: () => text,
    lines: () =>
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, any>),
  };
}

describe('createLogger', () => {
  it('writes one JSON object a line with a level name, a time and the message', () => {
    const { sut, lines } = capture();

    sut.info({ sendoutId: 's-1' }, 'generated 3 messages');

    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', name: 'test', msg: 'generated 3 messages', sendoutId: 's-1', time: expect.any(String) }),
    ]);
  });

  it('drops lines below its level', () => {
    const { sut, text } = capture();

    sut.debug('page sent');

    expect(text()).toBe('');
  });

  describe('redaction', () => {
    it('censors credentials in headers, on integrations and at the top level, and the raw values appear nowhere', () => {
      const { sut, text, lines } = capture();

      sut.warn(
        {
          headers: { authorization: SECRETS.bearer, 'x-api-key': SECRETS.apiKey, cookie: SECRETS.cookie, accept: 'application/json' },
          integration: {
            id: 'int-1',
            auth: { type: 'oauth2', clientId: 'acme', clientSecret: SECRETS.clientSecret },
            basic: { settings: { username: 'acme', password: SECRETS.password } },
          },
          apiKey: SECRETS.apiKey,
          response: { headers: { 'set-cookie': SECRETS.cookie } },
        },
        'integration checked',
      );

      const [line] = lines();
      expect(line.headers).toEqual({
        authorization: '[Redacted]',
        'x-api-key': '[Redacted]',
        cookie: '[Redacted]',
        accept: 'application/json',
      });
      expect(line.integration.auth).toEqual({ type: 'oauth2', clientId: 'acme', clientSecret: '[Redacted]' });
      expect(line.integration.basic.settings).toEqual({ username: 'acme', password: '[Redacted]' });
      expect(line.apiKey).toBe('[Redacted]');
      expect(line.response.headers['set-cookie']).toBe('[Redacted]');
      for (const secret of Object.values(SECRETS)) expect(text()).not.toContain(secret);
    });

    it('redacts in child loggers too, as pino-http and nestjs-pino make them', () => {
      const { sut, text, lines } = capture();

      sut.child({ context: 'Integrations' }).info({ token: SECRETS.espToken, privateKey: SECRETS.password }, 'saved');

      expect(lines()[0]).toMatchObject({ context: 'Integrations', token: '[Redacted]', privateKey: '[Redacted]' });
      expect(text()).not.toContain(SECRETS.espToken);
      expect(text()).not.toContain(SECRETS.password);
    });

    it('censors a secret however deep, in arrays, in any letter case, and leaves the logged object as it was', () => {
      const { sut, text, lines } = capture();
      const logged = {
        attempts: [{ request: { headers: { Authorization: SECRETS.bearer, 'X-Api-Key': SECRETS.apiKey } }, status: 401 }],
        a: { b: { c: { d: { e: { clientSecret: SECRETS.clientSecret, kept: 'visible' } } } } },
      };

      sut.info(logged, 'retried');

      const [line] = lines();
      expect(line.attempts).toEqual([{ request: { headers: { Authorization: '[Redacted]', 'X-Api-Key': '[Redacted]' } }, status: 401 }]);
      expect(line.a.b.c.d.e).toEqual({ clientSecret: '[Redacted]', kept: 'visible' });
      expect(logged.a.b.c.d.e.clientSecret).toBe(SECRETS.clientSecret);
      expect(logged.attempts[0].request.headers.Authorization).toBe(SECRETS.bearer);
      for (const secret of Object.values(SECRETS)) expect(text()).not.toContain(secret);
    });

    it("censors the fields of a logged error, as an HTTP client's error carries its request's headers", () => {
      const { sut, text, lines } = capture();
      const error = Object.assign(new Error('401 from the ESP'), { config: { headers: { authorization: SECRETS.bearer } } });

      sut.error({ err: error }, 'send failed');
      sut.error(error);

      for (const line of lines()) {
        expect(line.err).toMatchObject({ message: '401 from the ESP', config: { headers: { authorization: '[Redacted]' } } });
        expect(line.err.stack).toContain('401 from the ESP');
      }
      expect(text()).not.toContain(SECRETS.bearer);
    });

    it('logs a request as method, masked URL and id, never its headers', () => {
      const { sut, text, lines } = capture();
      const request = (url: string) => ({
        id: 'r-1',
        method: 'POST',
        url,
        headers: { authorization: SECRETS.bearer, cookie: SECRETS.cookie },
      });

      sut.info({ req: request(`/hooks/esp/${SECRETS.espToken}`) }, 'request completed');
      sut.info({ req: request(`/gate/v1/reject/${SECRETS.gateToken}?reason=x`) }, 'request completed');

      expect(lines().map((line) => line.req)).toEqual([
        { id: 'r-1', method: 'POST', url: '/hooks/esp/***' },
        { id: 'r-1', method: 'POST', url: '/gate/v1/reject/***?reason=x' },
      ]);
      for (const secret of Object.values(SECRETS)) expect(text()).not.toContain(secret);
    });

    it('redacts in the readable format too, where a request line is its message', () => {
      const { sut, text } = capture('pretty');

      sut.info(
        { req: { method: 'POST', url: `/gate/v1/finish/${SECRETS.gateToken}` }, integration: { auth: { password: SECRETS.password } } },
        'POST /gate/v1/finish/*** 200',
      );

      expect(text()).toContain('INFO (test): POST /gate/v1/finish/*** 200');
      expect(text()).toContain('"password":"[Redacted]"');
      for (const secret of Object.values(SECRETS)) expect(text()).not.toContain(secret);
    });
  });
});

describe('maskUrl', () => {
  it.each(CAPABILITY_ROUTES.map((route) => [route]))('masks the token of %s', (route) => {
    expect(maskUrl(route.replace(':token', SECRETS.gateToken))).toBe(route.replace(':token', '***'));
  });

  it.each([
    [`/HOOKS/esp/${SECRETS.espToken}`, '/HOOKS/esp/***'],
    [`//hooks//esp/${SECRETS.espToken}/`, '//hooks//esp/***/'],
    [`/gate/v1/items/${SECRETS.gateToken}#x`, '/gate/v1/items/***#x'],
    [`/U/${SECRETS.gateToken}?x=1`, '/U/***?x=1'],
  ])('masks %s however it is spelled', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it('leaves other URLs as they are', () => {
    expect(maskUrl('/v1/sendouts/abc?limit=10')).toBe('/v1/sendouts/abc?limit=10');
    expect(maskUrl('/hooks/esp')).toBe('/hooks/esp');
    expect(maskUrl('/users/abc')).toBe('/users/abc');
  });
});
