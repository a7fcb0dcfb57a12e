import { randomUUID } from 'node:crypto';
import { EspReceiver } from '../esp-receiver';
import { FeedbackReceiver } from '../feedback-receiver';
import { createFeedbackWebhook } from '../feedback-scenario';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, sandboxIntegration, seedSendout, startSendingStack, waitForStage } from '../scenario';
import { waitFor } from '../wait';

interface SentMessage {
  id: number;
  key: string;
  espId: string;
}

describe('ESP delivery callbacks', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let esp: EspReceiver;

  beforeAll(async () => {
    ({ stack, esp } = sending = await startSendingStack({
      env: {
        SENDGATE_ESP_EVENTS_APPLY_INTERVAL_MS: '300',
        SENDGATE_ESP_EVENTS_UNMATCHED_AFTER_MS: '1000',
      },
    }));
  });

  afterAll(async () => {
    await sending?.stop();
  });

  /** A completed sendout through the loopback ESP (answering {id: "esp-<key>"}); its integration reads callbacks with `feedbackMapping`. */
  async function sentSendout(contacts: number, feedbackMapping: object) {
    // their bounces suppress the addresses: each sendout mails its own
    const seed = await seedSendout(stack, { contacts, espUrl: esp.url, ownEmails: true });
    const integration = await expectStatus(
      stack.request('PATCH', `/v1/integrations/${seed.integrationId}`, { messageIdPath: 'id', feedbackMapping }),
      200,
    );
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'callbacks',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'Hi', html: '<p>Hi</p>' },
      }),
      202,
    );
    await waitForStage(stack, sendout.id, 'COMPLETED');
    const rows = await stack.dataSource.query('SELECT id, idempotency_key, esp_message_id FROM messages WHERE sendout_id = ? ORDER BY id', [
      sendout.id,
    ]);
    const messages: SentMessage[] = rows.map((r: any) => ({ id: Number(r.id), key: r.idempotency_key, espId: r.esp_message_id }));
    expect(messages.every((m) => m.espId === `esp-${m.key}`)).toBe(true);
    return { sendoutId: sendout.id as string, integrationId: seed.integrationId, callbackUrl: integration.callbackUrl as string, messages };
  }

  async function postCallback(url: string, body: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  }

  const counts = async (sendoutId: string) => (await expectStatus(stack.request('GET', `/v1/sendouts/${sendoutId}`), 200)).counts;
  const events = async (integrationId: string, state?: string) =>
    (await expectStatus(stack.request('GET', `/v1/integrations/${integrationId}/callback-events${state ? `?state=${state}` : ''}`), 200))
      .events;

  describe('when an Infobip delivery report push comes, and comes again', () => {
    it('moves the messages to DELIVERED, BOUNCED and FAILED once, and stores each event once', async () => {
      const sut = await sentSendout(3, { preset: 'infobip' });
      const report = (m: SentMessage, groupName: string, error?: object) => ({
        bulkId: 'bulk-1',
        messageId: m.espId,
        to: 'someone@example.com',
        doneAt: '2026-11-24T10:00:00.000+0000',
        status: { groupId: 3, groupName, id: 5, name: `${groupName}_X`, description: groupName },
        error: error ?? { groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', description: 'No Error', permanent: false },
      });
      const push = {
        results: [
          report(sut.messages[0], 'DELIVERED'),
          report(sut.messages[1], 'UNDELIVERABLE', {
            groupId: 2,
            groupName: 'Bounced',
            id: 6012,
            name: 'EC_HARD_BOUNCE',
            description: 'Hard bounce',
            permanent: true,
          }),
          report(sut.messages[2], 'REJECTED'),
        ],
      };

      expect(await postCallback(sut.callbackUrl, push)).toEqual({ status: 200, body: { received: 3, duplicates: 0 } });
      expect(await counts(sut.sendoutId)).toMatchObject({ DELIVERED: 1, BOUNCED: 1, FAILED: 1, SENT: 0 });

      expect(await postCallback(sut.callbackUrl, push)).toEqual({ status: 200, body: { received: 3, duplicates: 3 } });
      expect(await counts(sut.sendoutId)).toMatchObject({ DELIVERED: 1, BOUNCED: 1, FAILED: 1, SENT: 0 });
      const stored = await events(sut.integrationId);
      expect(stored.map((e: any) => [e.espMessageId, e.status, e.state, e.messageId])).toEqual([
        [sut.messages[0].espId, 'delivered', 'APPLIED', sut.messages[0].id],
        [sut.messages[1].espId, 'bounce', 'APPLIED', sut.messages[1].id],
        [sut.messages[2].espId, 'error', 'APPLIED', sut.messages[2].id],
      ]);
      expect(stored[1]).toMatchObject({ failureType: 'Bounced', failureCode: 'EC_HARD_BOUNCE', failureReason: 'Hard bounce' });
    });
  });

  describe('when a SendGrid event webhook comes', () => {
    it('matches on the id before the first dot and ignores events it does not map', async () => {
      const sut = await sentSendout(2, { preset: 'sendgrid' });
      const body = [
        { sg_message_id: `${sut.messages[0].espId}.filter0001.16648.5515E0B88.0`, event: 'processed', timestamp: 1 },
        { sg_message_id: `${sut.messages[0].espId}.filter0001.16648.5515E0B88.0`, event: 'delivered', timestamp: 2 },
        {
          sg_message_id: `${sut.messages[1].espId}.filter0002`,
          event: 'bounce',
          reason: '550 5.1.1 unknown',
          status: '5.1.1',
          type: 'bounce',
        },
      ];

      expect(await postCallback(sut.callbackUrl, body)).toEqual({ status: 200, body: { received: 3, duplicates: 0 } });

      expect(await counts(sut.sendoutId)).toMatchObject({ DELIVERED: 1, BOUNCED: 1 });
      expect((await events(sut.integrationId)).map((e: any) => e.state)).toEqual(['IGNORED', 'APPLIED', 'APPLIED']);
    });
  });

  describe('when the token is forged, or was rotated', () => {
    it('refuses it with 401; the new URL works', async () => {
      const sut = await sentSendout(1, { preset: 'sendgrid' });
      const body = { sg_message_id: `${sut.messages[0].espId}.f`, event: 'delivered' };
      const [base, token] = [sut.callbackUrl.slice(0, sut.callbackUrl.lastIndexOf('/') + 1), sut.callbackUrl.split('/').pop()!];
      const [payload] = token.split('.');
      const forged = Buffer.from(JSON.stringify({ p: 'esp-callback', i: sut.integrationId, v: 2, exp: 253402300799 })).toString(
        'base64url',
      );

      expect((await postCallback(`${base}${payload}.${'A'.repeat(43)}`, body)).status).toBe(401);
      expect((await postCallback(`${base}${forged}.${token.split('.')[1]}`, body)).status).toBe(401);
      expect((await postCallback(`${base}nonsense`, body)).status).toBe(401);

      const rotated = await expectStatus(stack.request('POST', `/v1/integrations/${sut.integrationId}/callback-url/rotate`), 200);
      expect(rotated.callbackUrl).not.toBe(sut.callbackUrl);
      expect((await postCallback(sut.callbackUrl, body)).status).toBe(401);
      expect(await postCallback(rotated.callbackUrl, body)).toEqual({ status: 200, body: { received: 1, duplicates: 0 } });
      expect(await counts(sut.sendoutId)).toMatchObject({ DELIVERED: 1 });
      expect((await expectStatus(stack.request('GET', `/v1/integrations/${sut.integrationId}`), 200)).callbackUrl).toBe(
        rotated.callbackUrl,
      );
    });
  });

  describe('when a callback holds too much', () => {
    it('answers 413 to more than 1,000 events and to a body over 1 MB, storing nothing', async () => {
      const sut = await sentSendout(1, { preset: 'sendgrid' });
      const many = Array.from({ length: 1_001 }, (_, i) => ({ sg_message_id: `m${i}.f`, event: 'delivered' }));
      const big = [{ sg_message_id: 'big.f', event: 'delivered', padding: 'x'.repeat(1024 * 1024) }];

      expect((await postCallback(sut.callbackUrl, many)).status).toBe(413);
      expect((await postCallback(sut.callbackUrl, big)).status).toBe(413);
      expect(await events(sut.integrationId)).toEqual([]);
    });
  });

  describe('when an event names a message nobody knows', () => {
    it('answers 2xx and keeps it, then shows it as unmatched', async () => {
      const sut = await sentSendout(1, { preset: 'sendgrid' });
      const unknown = `nobody-${randomUUID()}`;

      expect(await postCallback(sut.callbackUrl, { sg_message_id: `${unknown}.f`, event: 'delivered' })).toEqual({
        status: 200,
        body: { received: 1, duplicates: 0 },
      });

      await waitFor('the event to be marked unmatched', 30_000, async () =>
        (await events(sut.integrationId, 'UNMATCHED')).some((e: any) => e.espMessageId === unknown),
      );
      expect(await counts(sut.sendoutId)).toMatchObject({ SENT: 1 });
    });
  });

  describe('when a delivered comes before the message is recorded SENT', () => {
    it('keeps it pending and applies it once the message is SENT', async () => {
      const sut = await sentSendout(1, { preset: 'sendgrid' });
      const [message] = sut.messages;
      await stack.dataSource.query("UPDATE messages SET state = 'SENDING' WHERE id = ?", [message.id]);

      await expectStatus(postCallback(sut.callbackUrl, { sg_message_id: `${message.espId}.f`, event: 'delivered' }), 200);
      expect((await events(sut.integrationId)).map((e: any) => e.state)).toEqual(['PENDING']);

      await stack.dataSource.query("UPDATE messages SET state = 'SENT' WHERE id = ?", [message.id]);
      await waitFor('the pending delivered to be applied', 30_000, async () => (await counts(sut.sendoutId)).DELIVERED === 1);
      expect((await events(sut.integrationId)).map((e: any) => e.state)).toEqual(['APPLIED']);
    });
  });

  describe('when an integration is given a feedback mapping', () => {
    const create = (feedbackMapping: unknown) =>
      stack.request('POST', '/v1/integrations', {
        name: 'mapped',
        channel: 'email',
        url: esp.url,
        payloadTemplate: '{"to":"${email}"}',
        feedbackMapping,
      });

    it.each([
      ['an unknown preset', { preset: 'mailchimp' }, 'feedbackMapping.preset'],
      [
        'both a preset and a custom mapping',
        { preset: 'sendgrid', custom: { statusPath: 's', statuses: { x: 'delivered' } } },
        'feedbackMapping.preset',
      ],
      [
        'a custom mapping without a message id path',
        { custom: { statusPath: 'status', statuses: { ok: 'delivered' } } },
        'feedbackMapping.custom.messageIdPath',
      ],
      [
        'a path that is not one',
        { custom: { messageIdPath: 'id', statusPath: 'a..b', statuses: { ok: 'delivered' } } },
        'feedbackMapping.custom.statusPath',
      ],
      [
        'a status mapped to no event',
        { custom: { messageIdPath: 'id', statusPath: 's', statuses: { ok: 'opened' } } },
        'feedbackMapping.custom.statuses',
      ],
    ])('refuses %s, naming the field', async (_, mapping, field) => {
      const answer = await expectStatus(create(mapping), 400);
      expect(answer.errors.map((e: any) => e.field)).toContain(field);
    });

    it('keeps a custom mapping, shows it, and reads callbacks with it', async () => {
      const mapping = {
        custom: {
          eventsPath: 'data.events[]',
          messageIdPath: 'ref',
          statusPath: 'state',
          reasonPath: 'why',
          statuses: { OK: 'delivered', NO: 'bounce' },
        },
      };
      const sut = await sentSendout(2, mapping);
      expect((await expectStatus(stack.request('GET', `/v1/integrations/${sut.integrationId}`), 200)).feedbackMapping).toEqual(mapping);

      const body = {
        data: {
          events: [
            { ref: sut.messages[0].espId, state: 'OK' },
            { ref: sut.messages[1].espId, state: 'NO', why: 'gone' },
          ],
        },
      };
      expect(await postCallback(sut.callbackUrl, body)).toEqual({ status: 200, body: { received: 2, duplicates: 0 } });
      expect(await counts(sut.sendoutId)).toMatchObject({ DELIVERED: 1, BOUNCED: 1 });
    });
  });
});

describe.each(['mysql', 'sqlite'] as const)("the sandbox ESP's delivery callbacks on %s", (database) => {
  let sending: SendingStack;
  let stack: TestStack;
  let receiver: FeedbackReceiver;

  beforeAll(async () => {
    ({ stack } = sending = await startSendingStack({
      database,
      env: {
        SENDGATE_SANDBOX_CALLBACK_DELAY_MS: '200',
        SENDGATE_SANDBOX_LATE_CALLBACK_DELAY_MS: '1500',
        SENDGATE_SANDBOX_CALLBACK_POLL_MS: '200',
        SENDGATE_FEEDBACK_POLL_IDLE_MS: '200',
      },
    }));
    receiver = await new FeedbackReceiver(`hs256-secret-${randomUUID()}`).start();
  });

  afterAll(async () => {
    await sending?.stop();
    await receiver?.stop();
  });

  const counts = async (sendoutId: string) => (await expectStatus(stack.request('GET', `/v1/sendouts/${sendoutId}`), 200)).counts;
  const events = async (integrationId: string) =>
    (await expectStatus(stack.request('GET', `/v1/integrations/${integrationId}/callback-events`), 200)).events;

  describe('when a sendout goes through the sandbox ESP to simulator addresses', () => {
    it('reaches DELIVERED, BOUNCED and FAILED through the sandbox callbacks', async () => {
      const tag = randomUUID().slice(0, 8);
      const project = await expectStatus(stack.request('POST', '/v1/projects', { name: `sandbox ${tag}` }), 201);
      const emails = [
        'ada@example.com',
        'delay@simulator.sendgate.test',
        'bounce@simulator.sendgate.test',
        'complaint@simulator.sendgate.test',
        'fail@simulator.sendgate.test',
      ];
      const contacts = emails.map((email, i) => ({ externalId: `${tag}-${i}`, email, attributes: { cohort: tag } }));
      await expectStatus(stack.request('POST', '/v1/contacts/batch', { contacts }), 200);
      const segment = await expectStatus(
        stack.request('POST', '/v1/segments', { name: tag, filter: { all: [{ attribute: 'cohort', op: 'eq', value: tag }] } }),
        201,
      );
      const integrationId = await sandboxIntegration(stack);
      const sendout = await expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: project.id,
          name: 'sandbox loop',
          segmentId: segment.id,
          integrationId,
          content: { subject: 'Hi', html: '<p>Hi</p>' },
          feedback: { webhookIds: [await createFeedbackWebhook(stack, receiver)] },
        }),
        202,
      );
      await waitForStage(stack, sendout.id, 'COMPLETED');

      let last: any;
      await waitFor('the sandbox callbacks to be applied', 60_000, async () => {
        last = await counts(sendout.id);
        return last.DELIVERED === 2 && last.BOUNCED === 2 && last.FAILED === 1;
      }).catch((error: Error) => {
        throw new Error(`${error.message}; counts: ${JSON.stringify(last)}`);
      });
      const stored = await events(integrationId);
      expect(stored.find((e: any) => e.failureType === 'Complaint')).toMatchObject({ status: 'bounce', state: 'APPLIED' });

      // Each message's feedback, in order: sent first, then what the callback reported.
      const rows: Array<{ id: number | string; email: string }> = await stack.dataSource.query(
        'SELECT m.id, c.email FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.sendout_id = ?',
        [sendout.id],
      );
      const feedbackOf = () => Object.fromEntries(rows.map((r) => [r.email, receiver.eventsOf(r.id)]));
      const expected = {
        'ada@example.com': ['sent', 'delivered'],
        'delay@simulator.sendgate.test': ['sent', 'delivered'],
        'bounce@simulator.sendgate.test': ['sent', 'bounce'],
        'complaint@simulator.sendgate.test': ['sent', 'bounce'],
        'fail@simulator.sendgate.test': ['sent', 'error'],
      };
      await waitFor('every feedback event to arrive', 60_000, async () => Object.values(feedbackOf()).flat().length >= 10).catch(
        (error: Error) => {
          throw new Error(`${error.message}; received: ${JSON.stringify(feedbackOf())}`);
        },
      );
      expect(feedbackOf()).toEqual(expected);
      const bounce = receiver.accepted.find((e) => e.body.messageDeliveryFeedback.messageFailure?.type === 'Complaint');
      expect(bounce?.body).toMatchObject({
        eventType: 'message.feedback',
        channel: 'email',
        identityMap: { email: [{ id: 'complaint@simulator.sendgate.test', primary: true }] },
        messageExecution: { messageType: 'marketing', campaignID: sendout.id },
        messageDeliveryFeedback: { feedbackStatus: { value: 'bounce' }, messageFailure: { category: 'async' } },
      });
      expect(receiver.refused).toEqual([]);
    });
  });
});
