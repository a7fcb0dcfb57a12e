import { randomUUID } from 'node:crypto';
import { EspReceiver } from '../esp-receiver';
import { SendoutEntity } from '../../libs/database/src/entities';
import { TestStack } from '../harness';
import { sendoutRow } from '../sendout-row';
import { SendingStack, expectStatus, seedSendout, startSendingStack, waitForStage } from '../scenario';

describe('POST /v1/sendouts with an Idempotency-Key', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let esp: EspReceiver;

  beforeAll(async () => {
    // The API starts sendouts left without a workflow after a second (a minute by default).
    ({ stack, esp } = sending = await startSendingStack({ env: { SENDGATE_UNSTARTED_SENDOUT_AFTER_MS: '1000' } }));
  });

  afterAll(async () => {
    await sending?.stop();
  });

  async function sendoutBody(contacts: number) {
    const seed = await seedSendout(stack, { contacts, espUrl: esp.url });
    return {
      seed,
      body: {
        projectId: seed.projectId,
        name: 'retried',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'Hi' },
      },
    };
  }

  const keyed = (key: string) => ({ 'idempotency-key': key });

  describe('when the client retries the same request', () => {
    it('answers the same sendout (202, then 200) and sends each contact once', async () => {
      const { body, seed } = await sendoutBody(20);
      const key = `order-${randomUUID()}`;
      const first = await stack.request('POST', '/v1/sendouts', body, keyed(key));
      const again = await stack.request('POST', '/v1/sendouts', { ...body }, keyed(key));
      expect(first.status).toBe(202);
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      expect(again.body.idempotencyKey).toBe(key);

      const done = await waitForStage(stack, first.body.id, 'COMPLETED');
      expect(done.counts.SENT).toBe(20);
      const rows = await stack.dataSource.query('SELECT COUNT(*) AS n FROM sendouts WHERE project_id = ?', [seed.projectId]);
      expect(Number(rows[0].n)).toBe(1);
      const keys = esp.requests.filter((r) => r.key.startsWith(`${first.body.id}:`)).map((r) => r.key);
      expect(new Set(keys).size).toBe(20);
      expect(keys.length).toBe(20);
    });

    it('answers one sendout to concurrent retries', async () => {
      const { body, seed } = await sendoutBody(10);
      const key = `concurrent-${randomUUID()}`;
      const answers = await Promise.all(Array.from({ length: 8 }, () => stack.request('POST', '/v1/sendouts', body, keyed(key))));
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(answers.every((a) => a.status === 200 || a.status === 202)).toBe(true);
      expect(answers.filter((a) => a.status === 202).length).toBeLessThanOrEqual(1);

      const done = await waitForStage(stack, answers[0].body.id, 'COMPLETED');
      expect(done.total).toBe(10);
      expect(done.counts.SENT).toBe(10);
      const rows = await stack.dataSource.query('SELECT COUNT(*) AS n FROM sendouts WHERE project_id = ?', [seed.projectId]);
      expect(Number(rows[0].n)).toBe(1);
      const keys = esp.requests.filter((r) => r.key.startsWith(`${answers[0].body.id}:`)).map((r) => r.key);
      expect(keys.length).toBe(10);
    });

    it('answers the finished sendout again without running it a second time', async () => {
      const { body } = await sendoutBody(3);
      const key = `late-${randomUUID()}`;
      const first = await expectStatus(stack.request('POST', '/v1/sendouts', body, keyed(key)), 202);
      await waitForStage(stack, first.id, 'COMPLETED');
      const sentBefore = esp.requests.filter((r) => r.key.startsWith(`${first.id}:`)).length;
      const again = await expectStatus(stack.request('POST', '/v1/sendouts', body, keyed(key)), 200);
      expect(again).toMatchObject({ id: first.id, stage: 'COMPLETED' });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(esp.requests.filter((r) => r.key.startsWith(`${first.id}:`)).length).toBe(sentBefore);
    });
  });

  describe('when the same key comes with a different body', () => {
    it('answers 422 naming the Idempotency-Key', async () => {
      const { body } = await sendoutBody(2);
      const key = `reused-${randomUUID()}`;
      await expectStatus(stack.request('POST', '/v1/sendouts', body, keyed(key)), 202);
      const other = await stack.request('POST', '/v1/sendouts', { ...body, name: 'another sendout' }, keyed(key));
      expect(other.status).toBe(422);
      expect(other.body.field).toBe('Idempotency-Key');
    });
  });

  it('keeps keys apart between accounts', async () => {
    const { body } = await sendoutBody(1);
    const key = `shared-${randomUUID()}`;
    const mine = await expectStatus(stack.request('POST', '/v1/sendouts', body, keyed(key)), 202);
    const { createAccount } = await import('../harness');
    const other = await createAccount(stack.dataSource);
    // The other account's request refers to projects it cannot see: a 404, not the first account's sendout.
    const theirs = await stack.request('POST', '/v1/sendouts', body, { ...keyed(key), authorization: `Bearer ${other.apiKey}` });
    expect(theirs.status).toBe(404);
    expect(JSON.stringify(theirs.body)).not.toContain(mine.id);
  });

  it.each([
    ['an empty key', ''],
    ['a key longer than 255 characters', 'k'.repeat(256)],
  ])('answers 400 for %s', async (_, key) => {
    const { body } = await sendoutBody(1);
    const response = await stack.request('POST', '/v1/sendouts', body, keyed(key));
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain('Idempotency-Key');
  });

  describe('when the API stopped between storing a sendout and starting its workflow', () => {
    it('starts the workflow itself, and the sendout completes', async () => {
      const { seed } = await sendoutBody(4);
      const id = randomUUID();
      // What a crash right after the insert leaves behind: a CREATED row, no workflow.
      await stack.dataSource.getRepository(SendoutEntity).insert(
        sendoutRow({
          id,
          accountId: stack.accountId,
          projectId: seed.projectId,
          segmentId: seed.segmentId,
          integrationId: seed.integrationId,
        }),
      );

      const done = await waitForStage(stack, id, 'COMPLETED', 60_000);
      expect(done.counts.SENT).toBe(4);
      expect(esp.requests.filter((r) => r.key.startsWith(`${id}:`))).toHaveLength(4);
    });

    it('leaves alone the sendouts whose start it saw confirmed', async () => {
      const { body } = await sendoutBody(1);
      const sendout = await expectStatus(stack.request('POST', '/v1/sendouts', body), 202);
      const [row] = await stack.dataSource.query('SELECT workflow_started_at FROM sendouts WHERE id = ?', [sendout.id]);
      expect(row.workflow_started_at).not.toBeNull();
    });
  });
});
