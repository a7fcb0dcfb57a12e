import { EspReceiver } from '../esp-receiver';
import { TestStack } from '../harness';
import { OAuth2Server } from '../oauth2-server';
import { SendingStack, expectStatus, seedSendout, waitForStage, startSendingStack } from '../scenario';

describe('an ESP integration with OAuth2 client credentials', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let oauth: OAuth2Server;

  beforeAll(async () => {
    oauth = await OAuth2Server.start(6);
    ({ stack, esp } = sending = await startSendingStack({
      env: { SENDOUT_SEND_PAGE_SIZE: '50', SENDOUT_SEND_WINDOW: '2', SENDOUT_SEND_CONCURRENCY: '8' },
    }));
  });

  afterAll(async () => {
    await sending?.stop();
    await oauth?.stop();
  });

  /** The ESP accepts only live tokens from the authorization server (as a resource server would). */
  const requireLiveToken = async (req: { headers: Record<string, unknown> }) => {
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    return (await oauth.isLive(token)) ? { status: 200 } : { status: 401, body: { error: 'invalid_token' } };
  };

  async function integration(auth: Record<string, unknown>) {
    const created = await expectStatus(
      stack.request('POST', '/v1/integrations', {
        name: 'oauth esp',
        channel: 'email',
        url: esp.url,
        payloadTemplate: '{"to":"${email}"}',
      }),
      201,
    );
    return { created, answer: await stack.request('PUT', `/v1/integrations/${created.id}/auth`, auth) };
  }

  it('refuses wrong credentials at step 2 with what the token endpoint said, and stores nothing', async () => {
    const { created, answer } = await integration({
      type: 'oauth2',
      tokenUrl: oauth.tokenUrl,
      clientId: 'sendgate-body',
      clientSecret: 'wrong',
    });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ field: 'clientSecret', tokenEndpoint: { status: 401, body: { error: 'invalid_client' } } });
    expect(answer.body.message).toContain('invalid_client');
    expect((await expectStatus(stack.request('GET', `/v1/integrations/${created.id}`), 200)).auth).toEqual({ type: 'none' });
  });

  it('accepts valid credentials in the body or in the header, masking the secret', async () => {
    const body = await integration({
      type: 'oauth2',
      tokenUrl: oauth.tokenUrl,
      clientId: 'sendgate-body',
      clientSecret: 'sendgate-body-secret',
      scope: 'send',
    });
    expect(body.answer.status).toBe(200);
    expect(body.answer.body.auth).toEqual({
      type: 'oauth2',
      tokenUrl: oauth.tokenUrl,
      clientId: 'sendgate-body',
      clientIdKey: 'client_id',
      clientSecretKey: 'client_secret',
      scope: 'send',
      credentialsIn: 'body',
      clientSecret: '********',
    });
    const header = await integration({
      type: 'oauth2',
      tokenUrl: oauth.tokenUrl,
      clientId: 'sendgate-header',
      clientSecret: 'sendgate-header-secret',
      credentialsIn: 'header',
    });
    expect(header.answer.status).toBe(200);

    esp.respond = requireLiveToken;
    const tested = await expectStatus(stack.request('POST', `/v1/integrations/${header.created.id}/test`, {}), 200);
    expect(tested.request.headers.authorization).toBe('Bearer ********');
    expect(tested.response.status).toBe(200);
  });

  it('caches the token across a sendout, refreshes it before it expires and after a 401, and sends everything', async () => {
    const { created } = await integration({
      type: 'oauth2',
      tokenUrl: oauth.tokenUrl,
      clientId: 'sendgate-body',
      clientSecret: 'sendgate-body-secret',
    });
    await expectStatus(stack.request('POST', `/v1/integrations/${created.id}/activate`), 200);
    let revoked = false;
    let unauthorized = 0;
    const started = esp.requests.length;
    esp.respond = async (req) => {
      await new Promise((r) => setTimeout(r, 150)); // the sendout outlives the first 6-second token
      if (!revoked && esp.requests.length - started > 100) {
        revoked = true; // the ESP stops trusting the token in use once: Sendgate must refresh, not fail
        unauthorized += 1;
        return { status: 401, body: { error: 'invalid_token' } };
      }
      const answer = await requireLiveToken(req);
      if (answer.status === 401) unauthorized += 1;
      return answer;
    };
    const seed = await seedSendout(stack, { contacts: 600, espUrl: esp.url });
    const before = await oauth.tokenRequests();

    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'oauth sendout',
        segmentId: seed.segmentId,
        integrationId: created.id,
        content: { subject: 'x' },
      }),
      202,
    );
    const done = await waitForStage(stack, sendout.id, 'COMPLETED', 120_000);

    expect(done.counts).toMatchObject({ SENT: 600, FAILED: 0 });
    expect(revoked).toBe(true);
    expect(unauthorized).toBe(1); // tokens were renewed before they expired: no send carried a dead one
    const tokenRequests = (await oauth.tokenRequests()) - before;
    expect(tokenRequests).toBeGreaterThanOrEqual(3); // the first, one after the 401, and renewals before expiry
    expect(tokenRequests).toBeLessThan(20); // …but 600 sends did not each ask for one
  });
});
