/**
 * The suppression lists' REST API over real HTTP, on the API alone (no worker): adding, the first
 * entry of an address kept, lookups by any spelling of the address, field-naming 400s, keyset
 * pages, removal, the NDJSON and CSV imports, and one account never reaching another's list.
 */
import { TestStack, createAccount } from '../harness';
import { expectStatus } from '../scenario';

describe('suppression lists', () => {
  let stack: TestStack;
  let other: { accountId: string; apiKey: string };

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'mysql' });
    other = await createAccount(stack.dataSource);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const add = (body: Record<string, unknown>) => stack.request('POST', '/v1/suppressions', body);
  const fieldsOf = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);
  const upload = async (path: string, body: string | Buffer, contentType: string, apiKey = stack.apiKey) => {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': contentType },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('adds an address once: the first entry, and its reason, stay', async () => {
    const created = await expectStatus(
      add({ channel: 'email', address: ' Ada@Example.com ', reason: 'complaint', source: 'support ticket 4711' }),
      201,
    );
    expect(created).toEqual({
      channel: 'email',
      address: 'ada@example.com',
      reason: 'complaint',
      source: 'support ticket 4711',
      createdAt: expect.any(String),
    });

    const again = await expectStatus(add({ channel: 'email', address: 'ADA@example.com', reason: 'unsubscribed' }), 200);
    expect(again).toEqual(created);

    const manual = await expectStatus(add({ channel: 'sms', address: '+44 1234 567-890' }), 201);
    expect(manual).toMatchObject({ channel: 'sms', address: '+441234567890', reason: 'manual', source: null });
  });

  it('finds an entry by any spelling of its address, URL-encoded in the path', async () => {
    await expectStatus(add({ channel: 'email', address: 'grace@example.com' }), 201);
    const found = await expectStatus(stack.request('GET', `/v1/suppressions/email/${encodeURIComponent('Grace@Example.COM')}`), 200);
    expect(found).toMatchObject({ address: 'grace@example.com', reason: 'manual' });
    await expectStatus(stack.request('GET', `/v1/suppressions/sms/${encodeURIComponent('+441234567890')}`), 200);

    const missing = await stack.request('GET', '/v1/suppressions/email/nobody%40example.com');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ statusCode: 404, field: 'address', message: expect.stringContaining('nobody@example.com') });
    // Each channel reads the address as its own kind: an email is no phone number.
    expect(fieldsOf((await stack.request('GET', '/v1/suppressions/sms/grace%40example.com')).body)).toEqual(['address']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown channel', { channel: 'fax', address: 'ada@example.com' }, 'channel'],
    ['an address that is not an email', { channel: 'email', address: 'not-an-address' }, 'address'],
    ['a phone number that is not E.164', { channel: 'sms', address: '0123' }, 'address'],
    ['no address', { channel: 'email' }, 'address'],
    ['an unknown reason', { channel: 'email', address: 'ada@example.com', reason: 'bored' }, 'reason'],
    ['a source of 201 characters', { channel: 'email', address: 'ada@example.com', source: 's'.repeat(201) }, 'source'],
    ['an unknown field', { channel: 'email', address: 'ada@example.com', owner: 'me' }, 'owner'],
  ])('refuses %s with a 400 naming the field', async (_, body, field) => {
    const response = await add(body);
    expect(response.status).toBe(400);
    expect(fieldsOf(response.body)).toEqual([field]);
  });

  it.each<[string, string, string]>([
    ['an unknown channel in the path', '/v1/suppressions/fax/ada%40example.com', 'channel'],
    ['an address that is none', '/v1/suppressions/email/not-an-address', 'address'],
    ['an address of 401 characters', `/v1/suppressions/email/${'x'.repeat(401)}`, 'address'],
    ['an unknown channel filter', '/v1/suppressions?channel=fax', 'channel'],
    ['an unknown reason filter', '/v1/suppressions?reason=bored', 'reason'],
    ['a page of 1001', '/v1/suppressions?limit=1001', 'limit'],
    ['a negative cursor', '/v1/suppressions?after=-1', 'after'],
    ['an unknown query parameter', '/v1/suppressions?owner=me', 'owner'],
  ])('refuses a GET with %s, naming the field', async (_, path, field) => {
    const response = await stack.request('GET', path);
    expect(response.status).toBe(400);
    expect(fieldsOf(response.body)).toEqual([field]);
  });

  it('lists the entries a keyset page at a time, with a next cursor until the last page, and filters', async () => {
    const account = await createAccount(stack.dataSource);
    const asNew = (method: string, path: string, body?: unknown) =>
      stack.request(method, path, body, { authorization: `Bearer ${account.apiKey}` });
    for (const [channel, address, reason] of [
      ['email', 'a@example.com', 'manual'],
      ['sms', '+441234567801', 'complaint'],
      ['email', 'b@example.com', 'hard_bounce'],
      ['email', 'c@example.com', 'manual'],
      ['email', 'd@example.com', 'manual'],
    ])
      await expectStatus(asNew('POST', '/v1/suppressions', { channel, address, reason }), 201);

    const addresses: string[] = [];
    let after: number | null = 0;
    const pages: number[] = [];
    while (after !== null) {
      const page: { results: Array<{ address: string }>; next: number | null } = await expectStatus(
        asNew('GET', `/v1/suppressions?limit=2&after=${after}`),
        200,
      );
      addresses.push(...page.results.map((r) => r.address));
      pages.push(page.results.length);
      after = page.next;
    }
    expect(addresses).toEqual(['a@example.com', '+441234567801', 'b@example.com', 'c@example.com', 'd@example.com']);
    expect(pages).toEqual([2, 2, 1]);

    const manual = await expectStatus(asNew('GET', '/v1/suppressions?channel=email&reason=manual&limit=2'), 200);
    expect(manual.results.map((r: { address: string }) => r.address)).toEqual(['a@example.com', 'c@example.com']);
    const rest = await expectStatus(asNew('GET', `/v1/suppressions?channel=email&reason=manual&limit=2&after=${manual.next}`), 200);
    expect(rest).toEqual({ results: [expect.objectContaining({ address: 'd@example.com', reason: 'manual' })], next: null });
    expect(Object.keys(rest.results[0]).sort()).toEqual(['address', 'channel', 'createdAt', 'reason', 'source']);
  });

  it('removes an address with 204, then answers 404 for it', async () => {
    await expectStatus(add({ channel: 'email', address: 'leaving@example.com' }), 201);
    const removed = await stack.request('DELETE', '/v1/suppressions/email/Leaving%40Example.com');
    expect(removed.status).toBe(204);
    expect((await stack.request('GET', '/v1/suppressions/email/leaving%40example.com')).status).toBe(404);
    const again = await stack.request('DELETE', '/v1/suppressions/email/leaving%40example.com');
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ statusCode: 404, field: 'address' });
  });

  describe('importing', () => {
    it('stores the valid lines of NDJSON and reports the invalid ones by line and field', async () => {
      const body = [
        '{"address":"Import-1@Example.com","reason":"unsubscribed"}',
        '',
        '{"address":"not an address"}',
        '{"address":"+441234567899","channel":"sms","source":"crm export"}',
        '{"address":"ada@example.com","reason":"manual"}',
        '{"address":"import-1@example.com"}',
      ].join('\n');
      const answer = await upload('/v1/suppressions/import?channel=email&reason=hard_bounce&source=bulk', body, 'application/x-ndjson');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        received: 5,
        added: 2,
        alreadySuppressed: 2,
        invalid: 1,
        errors: [{ line: 3, field: 'address', message: expect.stringContaining('email address') }],
      });
      expect(await expectStatus(stack.request('GET', '/v1/suppressions/email/import-1%40example.com'), 200)).toMatchObject({
        reason: 'unsubscribed',
        source: 'bulk',
      });
      expect(await expectStatus(stack.request('GET', '/v1/suppressions/sms/%2B441234567899'), 200)).toMatchObject({
        reason: 'hard_bounce',
        source: 'crm export',
      });
      // Already on the list from the first test: its complaint stays.
      expect(await expectStatus(stack.request('GET', '/v1/suppressions/email/ada%40example.com'), 200)).toMatchObject({
        reason: 'complaint',
      });
    });

    it('reads CSV with a header row and quoted fields', async () => {
      const body = [
        'address,reason,source,channel',
        '"csv-1@example.com",complaint,"said ""stop"", twice",email',
        'csv-2@example.com,,"two',
        'lines",',
        'csv-3@example.com,sometimes,,email',
      ].join('\r\n');
      const answer = await upload('/v1/suppressions/import?channel=email', body, 'text/csv; charset=utf-8');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        received: 3,
        added: 2,
        alreadySuppressed: 0,
        invalid: 1,
        errors: [{ line: 5, field: 'reason', message: expect.stringContaining('unsubscribed, hard_bounce, complaint, manual') }],
      });
      expect(await expectStatus(stack.request('GET', '/v1/suppressions/email/csv-1%40example.com'), 200)).toMatchObject({
        reason: 'complaint',
        source: 'said "stop", twice',
      });
      expect(await expectStatus(stack.request('GET', '/v1/suppressions/email/csv-2%40example.com'), 200)).toMatchObject({
        reason: 'manual',
        source: 'two\r\nlines',
      });
    });

    it('refuses a body it cannot read as a whole, naming what is wrong', async () => {
      const noHeader = await upload('/v1/suppressions/import?channel=email', 'email\nada@example.com\n', 'text/csv');
      expect(noHeader.status).toBe(400);
      expect(fieldsOf(noHeader.body)).toContain('(header)');

      const tooMany = await upload('/v1/suppressions/import?channel=email', 'x\n'.repeat(500_001), 'application/x-ndjson');
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.message).toContain('at most 500000');

      const badUtf8 = await upload('/v1/suppressions/import', Buffer.from([0x61, 0x64, 0xff, 0x0a]), 'text/csv');
      expect(badUtf8).toMatchObject({ status: 400, body: { message: expect.stringContaining('UTF-8') } });

      const json = await upload('/v1/suppressions/import', '{"address":"ada@example.com"}', 'application/json');
      expect(json).toMatchObject({ status: 415, body: { message: expect.stringContaining('text/csv') } });

      const badQuery = await upload(
        '/v1/suppressions/import?channel=fax&owner=me',
        '{"address":"ada@example.com"}',
        'application/x-ndjson',
      );
      expect(badQuery.status).toBe(400);
      expect(fieldsOf(badQuery.body).sort()).toEqual(['channel', 'owner']);
    });
  });

  describe("when another account reaches for this account's list", () => {
    const asOther = (method: string, path: string, body?: unknown) =>
      stack.request(method, path, body, { authorization: `Bearer ${other.apiKey}` });

    it('finds nothing, removes nothing and lists nothing of it, and keeps its own entry of the same address apart', async () => {
      await expectStatus(add({ channel: 'email', address: 'private@example.com', reason: 'complaint' }), 201);

      expect((await asOther('GET', '/v1/suppressions/email/private%40example.com')).status).toBe(404);
      expect((await asOther('DELETE', '/v1/suppressions/email/private%40example.com')).status).toBe(404);
      expect(await expectStatus(asOther('GET', '/v1/suppressions?limit=1000'), 200)).toEqual({ results: [], next: null });

      const own = await expectStatus(asOther('POST', '/v1/suppressions', { channel: 'email', address: 'private@example.com' }), 201);
      expect(own.reason).toBe('manual');
      const imported = await upload(
        '/v1/suppressions/import?channel=email',
        '{"address":"private@example.com"}',
        'application/x-ndjson',
        other.apiKey,
      );
      expect(imported.body).toMatchObject({ added: 0, alreadySuppressed: 1 });

      expect(await expectStatus(stack.request('GET', '/v1/suppressions/email/private%40example.com'), 200)).toMatchObject({
        reason: 'complaint',
      });
      const mine = await expectStatus(stack.request('GET', '/v1/suppressions?limit=1000'), 200);
      expect(mine.results.filter((r: { address: string }) => r.address === 'private@example.com')).toHaveLength(1);
    });
  });
});
