/**
 * Reports, logs and the notifyUrl push of the email API, end to end: messages go through the
 * sandbox ESP and come back DELIVERED or BOUNCED by its callbacks. Requests are made with
 * POST /email/3/send, as a client makes them.
 */
import { randomUUID } from 'node:crypto';
import { sendEmail, setEmailDefaults } from '../email-scenario';
import { FeedbackReceiver } from '../feedback-receiver';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, sandboxIntegration, startSendingStack } from '../scenario';
import { waitFor } from '../wait';

const DELIVERED = 'ada@example.com';
/** A hard bounce suppresses its address: each test bounces its own (the sandbox reads `bounce+<tag>@`). */
let BOUNCED = 'bounce@simulator.sendgate.test';

describe('the email API reports, logs and notifyUrl push', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let receiver: FeedbackReceiver;

  beforeEach(() => {
    BOUNCED = `bounce+${randomUUID().slice(0, 8)}@simulator.sendgate.test`;
  });

  beforeAll(async () => {
    ({ stack } = sending = await startSendingStack({
      env: {
        SENDGATE_SANDBOX_CALLBACK_DELAY_MS: '200',
        SENDGATE_SANDBOX_CALLBACK_POLL_MS: '200',
        SENDGATE_FEEDBACK_POLL_IDLE_MS: '200',
        SENDGATE_FEEDBACK_BACKOFF_INITIAL_MS: '200',
        SENDGATE_FEEDBACK_BACKOFF_MAX_MS: '1000',
      },
    }));
    receiver = await new FeedbackReceiver('', false).start();
    await setEmailDefaults(stack, { integrationId: await sandboxIntegration(stack) });
  });

  afterAll(async () => {
    await sending?.stop();
    await receiver?.stop();
  });

  /** Infobip's own authorization scheme. */
  const infobip = (path: string) => stack.request('GET', path, undefined, { authorization: `App ${stack.apiKey}` });

  /** A request to `emails` over POST /email/3/send; answers its bulkId, sendoutId and messageIds by address. */
  const send = (emails: string[], extra: { notifyUrl?: string; callbackData?: string } = {}) =>
    sendEmail(stack, { to: emails, fields: { subject: 'Your order', text: 'It ships today', ...extra } });

  async function waitForOutcomes(sendoutId: string, expected: Record<string, number>) {
    let counts: any;
    await waitFor('the sandbox callbacks to be applied', 60_000, async () => {
      counts = (await expectStatus(stack.request('GET', `/v1/sendouts/${sendoutId}`), 200)).counts;
      return Object.entries(expected).every(([state, n]) => counts[state] === n);
    }).catch((error: Error) => {
      throw new Error(`${error.message}; counts: ${JSON.stringify(counts)}`);
    });
  }

  describe('when the messages of a request are delivered and bounced', () => {
    it('answers their reports once, then an empty list', async () => {
      const sut = await send([DELIVERED, BOUNCED], { callbackData: 'order-42' });
      await waitForOutcomes(sut.sendoutId, { DELIVERED: 1, BOUNCED: 1 });

      const { results } = await expectStatus(infobip(`/email/1/reports?bulkId=${sut.bulkId}`), 200);

      expect(results).toHaveLength(2);
      expect(results.find((r: any) => r.to === DELIVERED)).toMatchObject({
        bulkId: sut.bulkId,
        messageId: sut.messageId[DELIVERED],
        callbackData: 'order-42',
        messageCount: 1,
        price: { pricePerMessage: 0, currency: 'EUR' },
        status: { groupId: 3, groupName: 'DELIVERED', name: 'DELIVERED_TO_HANDSET' },
        error: { groupId: 0, name: 'NO_ERROR' },
        sentAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/),
        doneAt: expect.stringMatching(/\+0000$/),
      });
      expect(results.find((r: any) => r.to === BOUNCED)).toMatchObject({
        messageId: sut.messageId[BOUNCED],
        status: { groupName: 'UNDELIVERABLE' },
        error: { groupName: 'BOUNCED', permanent: true },
      });
      expect(await expectStatus(infobip(`/email/1/reports?bulkId=${sut.bulkId}`), 200)).toEqual({ results: [] });
      expect(await expectStatus(infobip(`/email/1/reports?messageId=${sut.messageId[DELIVERED]}`), 200)).toEqual({ results: [] });
    });
  });

  describe('when logs are read over HTTP', () => {
    it('filters by two messageIds, by generalStatus and by sentSince, the same on every read', async () => {
      const since = new Date(Date.now() - 1_000).toISOString().replace('Z', '+0000');
      const sut = await send([DELIVERED, BOUNCED, 'carol@example.com']);
      await waitForOutcomes(sut.sendoutId, { DELIVERED: 2, BOUNCED: 1 });

      const two = `messageId=${sut.messageId[DELIVERED]}&messageId=${sut.messageId[BOUNCED]}`;
      const first = await expectStatus(infobip(`/email/1/logs?${two}`), 200);
      expect(first.results.map((r: any) => r.messageId).sort()).toEqual([sut.messageId[DELIVERED], sut.messageId[BOUNCED]].sort());
      expect(first.results[0]).toMatchObject({ bulkId: sut.bulkId, from: 'sender@example.com', text: 'It ships today' });
      expect(await expectStatus(infobip(`/email/1/logs?${two}`), 200)).toEqual(first);

      const delivered = await expectStatus(infobip(`/email/1/logs?bulkId=${sut.bulkId}&generalStatus=DELIVERED`), 200);
      expect(delivered.results.map((r: any) => r.to).sort()).toEqual([DELIVERED, 'carol@example.com']);

      const recent = await expectStatus(infobip(`/email/1/logs?bulkId=${sut.bulkId}&sentSince=${encodeURIComponent(since)}`), 200);
      expect(recent.results).toHaveLength(3);
      const later = new Date(Date.now() + 60_000).toISOString();
      expect(await expectStatus(infobip(`/email/1/logs?bulkId=${sut.bulkId}&sentSince=${later}`), 200)).toEqual({ results: [] });
    });

    it("refuses a bad query with 400 in Infobip's shape, naming the field", async () => {
      const bad = await expectStatus(infobip('/email/1/logs?limit=1001&sentSince=yesterday'), 400);
      expect(bad).toEqual({
        requestError: {
          serviceException: {
            messageId: 'BAD_REQUEST',
            text: expect.any(String),
            validationErrors: {
              limit: ['must be an integer from 1 to 1000'],
              sentSince: ["must be a date as yyyy-MM-dd'T'HH:mm:ss.SSS+0000 or ISO 8601"],
            },
          },
        },
      });
      expect((await expectStatus(infobip('/email/1/reports?limit=0'), 400)).requestError.serviceException.validationErrors).toEqual({
        limit: ['must be an integer from 1 to 1000'],
      });
      const unauthorized = await stack.request('GET', '/email/1/reports', undefined, { authorization: 'App wrong-key' });
      expect(unauthorized).toEqual({
        status: 401,
        body: { requestError: { serviceException: { messageId: 'UNAUTHORIZED', text: 'Invalid login details' } } },
      });
    });
  });

  describe('when a request has a notifyUrl whose receiver is down for a while', () => {
    it('pushes each final report with its callbackData once the receiver is back', async () => {
      receiver.mode = 'unavailable';
      const sut = await send([DELIVERED, BOUNCED], { notifyUrl: receiver.url, callbackData: 'cb-7' });
      await waitForOutcomes(sut.sendoutId, { DELIVERED: 1, BOUNCED: 1 });
      await waitFor('the receiver to refuse a few pushes', 30_000, async () => receiver.downHits >= 3);

      receiver.mode = 'up';
      const pushed = () => receiver.accepted.filter((e) => e.body.results[0].bulkId === sut.bulkId);
      await waitFor('both reports to be pushed', 60_000, async () => pushed().length >= 2);

      expect(pushed().map((e) => e.body.results.length)).toEqual([1, 1]);
      const reports = pushed().map((e) => e.body.results[0]);
      expect(reports.map((r: any) => r.messageId).sort()).toEqual([sut.messageId[DELIVERED], sut.messageId[BOUNCED]].sort());
      expect(reports.find((r: any) => r.to === DELIVERED)).toMatchObject({
        bulkId: sut.bulkId,
        callbackData: 'cb-7',
        status: { groupName: 'DELIVERED' },
        doneAt: expect.stringMatching(/\+0000$/),
      });
      expect(reports.find((r: any) => r.to === BOUNCED)).toMatchObject({ callbackData: 'cb-7', status: { groupName: 'UNDELIVERABLE' } });
      expect(pushed()[0].claims.contentType).toBe('application/json');
      // the push does not take the one-time reports
      expect((await expectStatus(infobip(`/email/1/reports?bulkId=${sut.bulkId}`), 200)).results).toHaveLength(2);
    });
  });
});
