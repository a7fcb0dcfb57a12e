import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../libs/crypto/src/secret-box';
import { rotateSecrets } from '../../libs/database/src/repositories/secret-rotation';
import { Sql } from '../../libs/database/src/sql';
import { TEST_ENCRYPTION_KEY, TEST_SIGNING_KEY, TestStack } from '../harness';
import { expectStatus } from '../scenario';

describe('rotating the encryption key', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'sqlite' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('re-seals every stored secret under the new key, and a second run finds nothing to do', async () => {
    await expectStatus(
      stack.request('PUT', '/v1/send-gate/endpoint', {
        transport: 'http',
        url: 'http://127.0.0.1:9/hook',
        auth: { type: 'basic', username: 'u', password: 'gate-pw' },
      }),
      200,
    );
    const integration = await expectStatus(
      stack.request('POST', '/v1/integrations', {
        name: 'esp',
        channel: 'email',
        url: 'http://127.0.0.1:9/send',
        payloadTemplate: '{}',
        headers: [{ key: 'X-Key', value: 'hdr-secret', secret: true }],
      }),
      201,
    );
    await expectStatus(
      stack.request('PUT', `/v1/integrations/${integration.id}/auth`, { type: 'basic', username: 'u', password: 'esp-pw' }),
      200,
    );

    const webhook = await expectStatus(
      stack.request('POST', '/v1/feedback-webhooks', {
        name: 'crm',
        channels: ['email'],
        url: 'http://127.0.0.1:9/feedback',
        auth: { type: 'jwt', algorithm: 'HS256', secret: 'feedback-jwt-secret-0123456789abcdef' },
        headers: [{ key: 'X-Key', value: 'feedback-hdr-secret', secret: true }],
      }),
      201,
    );

    const old = Buffer.from(TEST_ENCRYPTION_KEY, 'base64');
    const box = new SecretBox({ test: old, next: randomBytes(32) }, 'next');
    const sql = new Sql(stack.dataSource);
    expect(await rotateSecrets(sql, box)).toEqual({ endpoints: 1, integrations: 1, feedbackWebhooks: 1 });
    expect(await rotateSecrets(sql, box)).toEqual({ endpoints: 0, integrations: 0, feedbackWebhooks: 0 });

    const [endpoint] = await stack.dataSource.query('SELECT secrets FROM send_gate_endpoints WHERE account_id = ?', [stack.accountId]);
    const [row] = await stack.dataSource.query('SELECT auth_secrets, headers FROM esp_integrations WHERE id = ?', [integration.id]);
    const headerValue = JSON.parse(row.headers)[0].value;
    for (const sealed of [endpoint.secrets, row.auth_secrets, headerValue]) expect(sealed.startsWith('v1.next.')).toBe(true);
    expect(JSON.parse(box.open(endpoint.secrets))).toEqual({ password: 'gate-pw' });
    expect(JSON.parse(box.open(row.auth_secrets))).toEqual({ password: 'esp-pw' });
    expect(box.open(headerValue)).toBe('hdr-secret');
    const [hook] = await stack.dataSource.query('SELECT auth_secret, headers FROM feedback_webhooks WHERE id = ?', [webhook.id]);
    const hookHeader = JSON.parse(hook.headers)[0].value;
    for (const sealed of [hook.auth_secret, hookHeader]) expect(sealed.startsWith('v1.next.')).toBe(true);
    expect(box.open(hook.auth_secret)).toBe('feedback-jwt-secret-0123456789abcdef');
    expect(box.open(hookHeader)).toBe('feedback-hdr-secret');
  });
});

describe('rotating the signing key', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'sqlite' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** What an API answers an ESP callback to `url`'s token: 422 for a valid token (the integration has no mapping), 401 otherwise. */
  async function callbackStatus(api: { baseUrl: string }, url: string): Promise<number> {
    const token = url.split('/').pop()!;
    const response = await fetch(`${api.baseUrl}/hooks/esp/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return response.status;
  }

  it('keeps what the previous key signed valid while that key is listed, and signs new tokens with the new key', async () => {
    const integration = await expectStatus(
      stack.request('POST', '/v1/integrations', { name: 'esp', channel: 'email', url: 'http://127.0.0.1:9/send', payloadTemplate: '{}' }),
      201,
    );
    const signedBefore = integration.callbackUrl as string;
    const newKey = randomBytes(32).toString('base64url');
    const rotated = await stack.startApi({ SENDGATE_SIGNING_KEY: newKey, SENDGATE_SIGNING_KEYS_PREVIOUS: TEST_SIGNING_KEY });
    const signedAfter = (await expectStatus(rotated.request('GET', `/v1/integrations/${integration.id}`), 200)).callbackUrl as string;

    expect(signedAfter).not.toBe(signedBefore);
    expect(await callbackStatus(rotated, signedBefore)).toBe(422);
    expect(await callbackStatus(rotated, signedAfter)).toBe(422);
    // a process still on the old key alone does not know the new key's tokens
    expect(await callbackStatus({ baseUrl: stack.baseUrl }, signedAfter)).toBe(401);

    // once the previous key is dropped, what it signed is refused
    const done = await stack.startApi({ SENDGATE_SIGNING_KEY: newKey });
    expect(await callbackStatus(done, signedBefore)).toBe(401);
    expect(await callbackStatus(done, signedAfter)).toBe(422);
  });

  it('refuses to start with a previous key shorter than 32 characters, naming the setting', async () => {
    await expect(stack.startApi({ SENDGATE_SIGNING_KEYS_PREVIOUS: 'too-short' })).rejects.toThrow(
      /SENDGATE_SIGNING_KEYS_PREVIOUS must be a comma-separated list of keys of at least 32 characters/,
    );
  });
});
