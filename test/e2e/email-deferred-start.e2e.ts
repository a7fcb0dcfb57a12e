/**
 * POST /email/3/send answers once its rows are committed; the workflow starts afterwards. Here the
 * API starts none itself (SENDGATE_WORKFLOW_START_CONCURRENCY=0, every start left to the
 * reconciler): a bulk paused or cancelled right after its POST must still hold or send nothing,
 * a sendout cancelled through /v1 too, and one left alone is started by the reconciler and sent.
 */
import { EspReceiver } from '../esp-receiver';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, seedSendout, startSendingStack, waitForStage } from '../scenario';
import { waitFor } from '../wait';

const RECONCILER_AFTER_MS = 15_000;

describe('email sends whose workflow start is deferred', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let esp: EspReceiver;

  beforeAll(async () => {
    ({ stack, esp } = sending = await startSendingStack({
      env: { SENDGATE_WORKFLOW_START_CONCURRENCY: '0', SENDGATE_UNSTARTED_SENDOUT_AFTER_MS: String(RECONCILER_AFTER_MS) },
    }));
    const { projectId, integrationId } = await seedSendout(stack, { contacts: 0, espUrl: esp.url });
    await expectStatus(stack.request('PUT', `/v1/projects/${projectId}/email-defaults`, { integrationId }), 200);
    const { keys } = await expectStatus(stack.request('GET', '/v1/api-keys'), 200);
    const keyId = keys.find((k: { prefix: string }) => stack.apiKey.startsWith(k.prefix)).id;
    await expectStatus(stack.request('PUT', `/v1/api-keys/${keyId}/email-defaults`, { projectId }), 200);
  });

  afterAll(async () => {
    await sending?.stop();
  });

  const email = <T = any>(method: string, path: string, body?: unknown) =>
    stack.request<T>(method, path, body, { authorization: `App ${stack.apiKey}` });
  const sentTo = (sendoutId: string) => esp.requests.filter((r) => r.key.startsWith(`${sendoutId}:`));

  /** One email to one recipient; answers its bulk and sendout, checked to be stored but not started. */
  async function send(): Promise<{ bulkId: string; sendoutId: string }> {
    const form = new FormData();
    form.append('from', 'Jane Doe <jane@example.com>');
    form.append('to', 'someone@example.com');
    form.append('subject', 'Hello');
    form.append('html', '<p>Hello</p>');
    const response = await fetch(`${stack.baseUrl}/email/3/send`, {
      method: 'POST',
      headers: { authorization: `App ${stack.apiKey}` },
      body: form,
    });
    const body = (await response.json()) as any;
    expect(response.status).toBe(200);
    expect(body.messages).toEqual([
      expect.objectContaining({ to: 'someone@example.com', status: expect.objectContaining({ name: 'PENDING_ACCEPTED' }) }),
    ]);
    const [row] = await stack.dataSource.query(
      `SELECT s.id, s.stage, s.workflow_started_at FROM email_bulks b JOIN sendouts s ON s.id = b.sendout_id
       WHERE b.account_id = ? AND b.bulk_id = ?`,
      [stack.accountId, body.bulkId],
    );
    expect({ stage: row.stage, started: row.workflow_started_at }).toEqual({ stage: 'CREATED', started: null });
    return { bulkId: body.bulkId, sendoutId: row.id };
  }

  describe('when the bulk is paused right after the POST, then resumed', () => {
    it('holds without sending while paused, then sends the message', async () => {
      const { bulkId, sendoutId } = await send();

      const paused = await expectStatus(email('PUT', `/email/1/bulks/status?bulkId=${bulkId}`, { status: 'PAUSED' }), 200);
      const held = await waitForStage(stack, sendoutId, 'SCHEDULED');

      expect(paused).toEqual({ bulkId, status: 'PAUSED' });
      expect(held.counts.SENT).toBe(0);
      expect(sentTo(sendoutId)).toEqual([]);

      await expectStatus(email('PUT', `/email/1/bulks/status?bulkId=${bulkId}`, { status: 'PROCESSING' }), 200);
      const done = await waitForStage(stack, sendoutId, 'COMPLETED');

      expect(done.counts.SENT).toBe(1);
      expect(sentTo(sendoutId)).toHaveLength(1);
    });
  });

  describe('when the bulk is cancelled right after the POST', () => {
    it('ends CANCELED and sends nothing, and the reconciler does not start it again', async () => {
      const { bulkId, sendoutId } = await send();

      const canceled = await expectStatus(email('PUT', `/email/1/bulks/status?bulkId=${bulkId}`, { status: 'CANCELED' }), 200);
      const ended = await waitForStage(stack, sendoutId, 'CANCELED');
      // Past the reconciler's delay: a sendout it (wrongly) started again would be sent by now.
      await waitFor(
        'the reconciler delay to pass',
        RECONCILER_AFTER_MS * 3,
        () => Date.now() > Date.parse(ended.createdAt) + RECONCILER_AFTER_MS * 2,
        500,
      );

      expect(canceled).toEqual({ bulkId, status: 'CANCELED' });
      expect(ended.counts.SENT).toBe(0);
      expect(sentTo(sendoutId)).toEqual([]);
      expect((await expectStatus(stack.request('GET', `/v1/sendouts/${sendoutId}`), 200)).stage).toBe('CANCELED');
    });
  });

  describe('when its sendout is cancelled through POST /v1/sendouts/{id}/cancel right after the POST', () => {
    it('ends CANCELED and sends nothing', async () => {
      const { sendoutId } = await send();

      await expectStatus(stack.request('POST', `/v1/sendouts/${sendoutId}/cancel`), 202);
      const ended = await waitForStage(stack, sendoutId, 'CANCELED');

      expect(ended.counts.SENT).toBe(0);
      expect(sentTo(sendoutId)).toEqual([]);
    });
  });

  describe('when nothing acts on it', () => {
    it('is started by the unstarted-sendouts reconciler and sent', async () => {
      const { sendoutId } = await send();

      const done = await waitForStage(stack, sendoutId, 'COMPLETED', RECONCILER_AFTER_MS * 6);

      expect(done.counts.SENT).toBe(1);
      expect(sentTo(sendoutId)).toHaveLength(1);
    });
  });
});
