/**
 * The send page activity without a worker: a real activity context (heartbeats, cancellation),
 * SQLite in memory with the product's migrations, and a fake ESP as a real server on 127.0.0.1.
 * What a message says (links, the email API's recipients and files) is in
 * send-message-page-content.activity.spec.ts.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MessagesRepository } from '@sendgate/database';
import { MessageState } from '@sendgate/domain';
import { metrics } from '@sendgate/metrics';
import { ActivityEnvironment } from '../test/activity-environment';
import { sendPageFixture } from '../test/send-page-fixture';
import { sendoutActivityDeps } from '../test/sendout-activity-deps';
import { freePort, waitFor } from '../test/wait';
import { createSendoutActivities } from './index';

const fixture = sendPageFixture();
const { db, esp, espClient, guard, sendout, keysOf } = fixture;
let sut: typeof fixture.sut;
let env: ActivityEnvironment;
beforeEach(() => ({ sut, env } = fixture));

async function sample(series: string): Promise<number | undefined> {
  const line = (await metrics.text()).split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function failureOf(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error('expected the activity to fail');
    },
    (error: unknown) => error,
  );
}

describe('sendMessagePage', () => {
  describe('when the ESP accepts every message', () => {
    it('sends each message once under its idempotency key, with secrets opened, and records SENT', async () => {
      const { sendoutId, ids, range } = await sendout(3);

      const result = await env.run(sut, { sendoutId, range, concurrency: 2 });

      expect(result).toEqual({ sent: 3, failed: 0 });
      expect((await db.states(ids)).map((m) => m.state)).toEqual([MessageState.SENT, MessageState.SENT, MessageState.SENT]);
      const keys = keysOf(sendoutId);
      expect(new Set(keys).size).toBe(3);
      const first = esp.requests.find((r) => r.body.includes('c-1@example.com'))!;
      expect(JSON.parse(first.body)).toEqual({ to: 'c-1@example.com', subject: 'Hi Contact1' });
      expect(first.headers['x-api-key']).toBe('s3cret');
      expect(env.heartbeats.length).toBeGreaterThanOrEqual(1);
    });

    it('sends a page larger than its separately claimed head and a load slice: every message once, none left behind', async () => {
      const { sendoutId, range } = await sendout(600);

      expect(await env.run(sut, { sendoutId, range, concurrency: 16 })).toEqual({ sent: 600, failed: 0 });
      expect(new Set(keysOf(sendoutId)).size).toBe(600);
      expect(keysOf(sendoutId)).toHaveLength(600);
      expect(await new MessagesRepository(db.sql).countRange(sendoutId, range)).toEqual({ [MessageState.SENT]: 600 });
    });

    it('sends the rest of a page whose head holds nothing to send (its first contacts rejected at the gate)', async () => {
      const { sendoutId, ids, range } = await sendout(300);
      await db.sql.run(`UPDATE messages SET state = ? WHERE id IN (${ids.slice(0, 60).join(', ')})`, [MessageState.REJECTED]);

      expect(await env.run(sut, { sendoutId, range, concurrency: 8 })).toEqual({ sent: 240, failed: 0 });
      expect(keysOf(sendoutId)).toHaveLength(240);
    });

    it("counts the page's messages as sent for its integration, and times each ESP request and the page", async () => {
      const { sendoutId, integrationId, range } = await sendout(3);
      const pagesBefore = (await sample('sendgate_page_activity_seconds_count{activity="sendMessagePage"}')) ?? 0;

      await env.run(sut, { sendoutId, range, concurrency: 2 });

      expect(await sample(`sendgate_messages_total{outcome="sent",integration="${integrationId}"}`)).toBe(3);
      expect(await sample(`sendgate_messages_total{outcome="failed",integration="${integrationId}"}`)).toBeUndefined();
      expect(await sample(`sendgate_esp_request_seconds_count{integration="${integrationId}",status_class="2xx"}`)).toBe(3);
      expect(await sample('sendgate_page_activity_seconds_count{activity="sendMessagePage"}')).toBe(pagesBefore + 1);
    });
  });

  describe('when the ESP refuses a message (4xx)', () => {
    it('records it FAILED with the answer and sends the rest', async () => {
      const { sendoutId, integrationId, ids, range } = await sendout(3);
      esp.respond = (req) => (req.body.includes('c-2@') ? { status: 422, body: { error: 'bad recipient' } } : { status: 200 });

      const result = await env.run(sut, { sendoutId, range, concurrency: 2 });

      expect(result).toEqual({ sent: 2, failed: 1 });
      expect(await sample(`sendgate_messages_total{outcome="failed",integration="${integrationId}"}`)).toBe(1);
      expect(await sample(`sendgate_esp_request_seconds_count{integration="${integrationId}",status_class="4xx"}`)).toBe(1);
      const states = await db.states(ids);
      expect(states[1]).toMatchObject({ state: MessageState.FAILED, reason: expect.stringContaining('ESP answered 422') });
      expect([states[0].state, states[2].state]).toEqual([MessageState.SENT, MessageState.SENT]);
    });
  });

  describe('when the ESP is unavailable for a message (5xx with Retry-After)', () => {
    it('records what was sent and throws a retryable EspRetry that waits as long as the ESP asked', async () => {
      const { sendoutId, integrationId, ids, range } = await sendout(3);
      esp.respond = (req) => (req.body.includes('c-2@') ? { status: 503, headers: { 'retry-after': '7' } } : { status: 200 });

      const error = await failureOf(env.run(sut, { sendoutId, range, concurrency: 2 }));

      expect(error).toBeInstanceOf(ApplicationFailure);
      expect(error).toMatchObject({ type: 'EspRetry', nonRetryable: false, nextRetryDelay: 7_000 });
      expect((await db.states(ids)).map((m) => m.state)).toEqual([MessageState.SENT, MessageState.SENDING, MessageState.SENT]);
      expect(await sample(`sendgate_messages_total{outcome="retry",integration="${integrationId}"}`)).toBe(1);
      expect(await sample(`sendgate_esp_retries_total{integration="${integrationId}",reason="5xx"}`)).toBe(1);
    });

    it('lets the retried page send only the message left, under the same key', async () => {
      const { sendoutId, ids, range } = await sendout(3);
      esp.respond = (req) => (req.body.includes('c-2@') ? { status: 503 } : { status: 200 });
      await failureOf(env.run(sut, { sendoutId, range, concurrency: 2 }));
      esp.respond = () => ({ status: 200 });

      const result = await new ActivityEnvironment({ attempt: 2 }).run(sut, { sendoutId, range, concurrency: 2 });

      expect(result).toEqual({ sent: 3, failed: 0 });
      const keys = keysOf(sendoutId);
      const retried = keys.filter((k) => keys.indexOf(k) !== keys.lastIndexOf(k));
      expect(keys).toHaveLength(4);
      expect(new Set(retried)).toEqual(new Set([`${sendoutId}:${await contactIdOf(ids[1])}`]));
    });
  });

  describe('when the ESP cannot be reached', () => {
    it('throws a retryable EspRetry and leaves the messages claimed for the retry', async () => {
      const { sendoutId, integrationId, ids, range } = await sendout(2, { url: `http://127.0.0.1:${await freePort()}/send` });

      const error = await failureOf(env.run(sut, { sendoutId, range, concurrency: 2 }));

      expect(error).toMatchObject({ type: 'EspRetry', nonRetryable: false, nextRetryDelay: undefined });
      expect((await db.states(ids)).map((m) => m.state)).toEqual([MessageState.SENDING, MessageState.SENDING]);
      expect(await sample(`sendgate_esp_retries_total{integration="${integrationId}",reason="network"}`)).toBe(2);
      expect(await sample(`sendgate_esp_request_seconds_count{integration="${integrationId}",status_class="error"}`)).toBe(2);
    });
  });

  describe('when the workflow cancels the page mid-send', () => {
    it('sends nothing more and marks every unsent message CANCELED, loaded or not', async () => {
      // More than one load slice, so both the loaded and the never-loaded messages are cancelled.
      const { sendoutId, range } = await sendout(300);
      esp.respond = () => {
        env.cancel();
        return { status: 200 };
      };

      const error = await failureOf(env.run(sut, { sendoutId, range, concurrency: 1 }));

      expect(error).toBeInstanceOf(CancelledFailure);
      expect(keysOf(sendoutId)).toHaveLength(1);
      expect(await new MessagesRepository(db.sql).countRange(sendoutId, range)).toEqual({
        [MessageState.SENT]: 1,
        [MessageState.CANCELED]: 299,
      });
    });
  });

  describe('when the ESP is slow to answer', () => {
    it('keeps heartbeating while it waits', async () => {
      const { sendoutId, range } = await sendout(1);
      let beatsBeforeAnswer = 0;
      esp.respond = async () => {
        await waitFor('a second heartbeat', 5_000, () => env.heartbeats.length >= 2, 20);
        beatsBeforeAnswer = env.heartbeats.length;
        return { status: 200 };
      };

      expect(await env.run(sut, { sendoutId, range, concurrency: 1 })).toEqual({ sent: 1, failed: 0 });
      expect(beatsBeforeAnswer).toBeGreaterThanOrEqual(2);
    });
  });

  describe('when retrying cannot help', () => {
    it('fails without retry when the sendout no longer exists', async () => {
      const error = await failureOf(env.run(sut, { sendoutId: randomUUID(), range: [1, 10] as [number, number], concurrency: 1 }));

      expect(error).toMatchObject({ type: 'SendoutNotFound', nonRetryable: true });
    });

    it('fails without retry when the stored content uses a file tag', async () => {
      const { sendoutId, ids, range } = await sendout(1, { content: { html: '{% include "secrets" %}' } });

      const error = await failureOf(env.run(sut, { sendoutId, range, concurrency: 1 }));

      expect(error).toMatchObject({ type: 'ContentRefused', nonRetryable: true });
      expect(keysOf(sendoutId)).toEqual([]);
      // claimed while the page prepared, never posted: the workflow's failMessagePage fails it with the reason
      expect((await db.states(ids))[0].state).toBe(MessageState.SENDING);
    });
  });

  describe('when a window of pages starts together', () => {
    it('reads and compiles the sendout once, and the first page posts first', async () => {
      const { sendoutId, ids } = await sendout(30);
      const deps = sendoutActivityDeps(db, espClient, guard);
      let reads = 0;
      const findById = deps.sendouts.findById.bind(deps.sendouts);
      deps.sendouts.findById = (id) => ((reads += 1), findById(id));
      const pages = createSendoutActivities(deps).sendMessagePage;
      const ranges = [ids.slice(0, 10), ids.slice(10, 20), ids.slice(20)].map((r) => [r[0], r[r.length - 1]] as [number, number]);

      const results = await Promise.all(
        ranges.map((range) =>
          new ActivityEnvironment({ activityType: 'sendMessagePage' }).run(pages, { sendoutId, range, concurrency: 2 }),
        ),
      );

      expect(results).toEqual([1, 2, 3].map(() => ({ sent: 10, failed: 0 })));
      expect(reads).toBe(1);
      expect(new Set(keysOf(sendoutId)).size).toBe(30);
      // the pages that joined the first one's preparation claimed their heads after its first POST
      const first = esp.requests.find((r) => r.key.startsWith(`${sendoutId}:`))!;
      expect(Number(/c-(\d+)@/.exec(first.body)![1])).toBeLessThanOrEqual(10);
    });
  });
});

async function contactIdOf(messageId: number): Promise<number> {
  const row = await db.sql.one<{ contact_id: number | string }>('SELECT contact_id FROM messages WHERE id = ?', [messageId]);
  return Number(row?.contact_id);
}
