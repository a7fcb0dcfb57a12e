import { customMappingProblems, extractEspEvents, isFeedbackPath } from './feedback-mapping';

const KEY = '0b7c2f7e-4d2a-4c1e-9a55-3f1d2e4b5a6c:42';

describe('the Infobip preset', () => {
  const report = (groupName: string, error?: object) => ({
    bulkId: 'b-1',
    messageId: `ib-${groupName}`,
    to: 'ada@example.com',
    status: { groupId: 3, groupName, id: 5, name: `${groupName}_X`, description: 'described' },
    ...(error ? { error } : {}),
  });

  it('reads every result of the push, by status group', () => {
    const events = extractEspEvents(
      { preset: 'infobip' },
      {
        results: [
          report('DELIVERED', { groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', description: 'No Error' }),
          report('UNDELIVERABLE', { groupId: 2, groupName: 'Bounced', id: 6012, name: 'EC_HARD_BOUNCE', description: 'Hard bounce' }),
          report('REJECTED'),
          report('EXPIRED'),
          report('PENDING'),
        ],
      },
    );
    expect(events.map((e) => [e.espMessageId, e.status])).toEqual([
      ['ib-DELIVERED', 'delivered'],
      ['ib-UNDELIVERABLE', 'bounce'],
      ['ib-REJECTED', 'error'],
      ['ib-EXPIRED', 'error'],
      ['ib-PENDING', 'unmapped'],
    ]);
    expect(events[1]).toMatchObject({ espStatus: 'UNDELIVERABLE', type: 'Bounced', code: 'EC_HARD_BOUNCE', reason: 'Hard bounce' });
    expect(events[0]).toMatchObject({ type: null, code: null, reason: null });
  });

  it('takes a Sendgate idempotency key from callbackData, and nothing else from it', () => {
    const [keyed, other] = extractEspEvents(
      { preset: 'infobip' },
      {
        results: [
          { ...report('DELIVERED'), callbackData: KEY },
          { ...report('DELIVERED'), callbackData: 'campaign=spring' },
        ],
      },
    );
    expect(keyed.idempotencyKey).toBe(KEY);
    expect(other.idempotencyKey).toBeUndefined();
  });
});

describe('the SendGrid preset', () => {
  it('reads an array of events, the message id before the first dot', () => {
    const events = extractEspEvents({ preset: 'sendgrid' }, [
      { sg_message_id: 'abc123.filter0001.16648.5515E0B88.0', event: 'delivered', email: 'a@example.com' },
      { sg_message_id: 'def456.filter0002', event: 'bounce', reason: '550 5.1.1 unknown user', status: '5.1.1', type: 'bounce' },
      { sg_message_id: 'ghi789.filter0003', event: 'dropped', reason: 'Bounced Address', status: '5.0.0' },
      { sg_message_id: 'jkl012.filter0004', event: 'open', idempotencyKey: KEY },
    ]);
    expect(events.map((e) => [e.espMessageId, e.status])).toEqual([
      ['abc123', 'delivered'],
      ['def456', 'bounce'],
      ['ghi789', 'error'],
      ['jkl012', 'unmapped'],
    ]);
    expect(events[1]).toMatchObject({ type: 'bounce', code: '5.1.1', reason: '550 5.1.1 unknown user' });
    expect(events[3].idempotencyKey).toBe(KEY);
  });

  it('reads one event object as well', () => {
    expect(extractEspEvents({ preset: 'sendgrid' }, { sg_message_id: 'x.y', event: 'delivered' })).toHaveLength(1);
  });
});

describe('the sandbox preset', () => {
  it('reads the events the sandbox posts', () => {
    const [event] = extractEspEvents(
      { preset: 'sandbox' },
      {
        events: [
          { messageId: `sandbox-${KEY}`, idempotencyKey: KEY, status: 'bounce', type: 'Complaint', code: '5.7.1', reason: 'r', at: 't' },
        ],
      },
    );
    expect(event).toMatchObject({ espMessageId: `sandbox-${KEY}`, idempotencyKey: KEY, status: 'bounce', type: 'Complaint' });
  });
});

describe('a custom mapping', () => {
  const sut = {
    custom: {
      eventsPath: 'data.items[]',
      messageIdPath: 'ids[0]',
      statusPath: 'state.code',
      reasonPath: 'state.text',
      statuses: { OK: 'delivered', HARD: 'bounce' } as const,
    },
  };

  it('follows its paths, and maps what its table names', () => {
    const events = extractEspEvents(sut, {
      data: {
        items: [
          { ids: ['m-1'], state: { code: 'OK' } },
          { ids: [7], state: { code: 'HARD', text: 'no such mailbox' } },
          { ids: ['m-3'], state: { code: 'SOFT' } },
          'not an event',
        ],
      },
    });
    expect(events).toEqual([
      expect.objectContaining({ espMessageId: 'm-1', status: 'delivered', espStatus: 'OK' }),
      expect.objectContaining({ espMessageId: '7', status: 'bounce', reason: 'no such mailbox' }),
      expect.objectContaining({ espMessageId: 'm-3', status: 'unmapped', espStatus: 'SOFT' }),
    ]);
  });

  it('finds no events in a body without them', () => {
    expect(extractEspEvents(sut, { other: 1 })).toEqual([]);
    expect(extractEspEvents(sut, 'text')).toEqual([]);
  });

  it('hashes an event the same whatever its key order, and different events differently', () => {
    const [a] = extractEspEvents(sut, { data: { items: [{ ids: ['m-1'], state: { code: 'OK' } }] } });
    const [b] = extractEspEvents(sut, { data: { items: [{ state: { code: 'OK' }, ids: ['m-1'] }] } });
    const [c] = extractEspEvents(sut, { data: { items: [{ ids: ['m-2'], state: { code: 'OK' } }] } });
    expect(a.dedupeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.dedupeHash).toBe(b.dedupeHash);
    expect(c.dedupeHash).not.toBe(a.dedupeHash);
  });

  it('is refused without a message id or idempotency key path, and with a path that is not one', () => {
    expect(customMappingProblems({ statusPath: 'a b', statuses: {} }, 'feedbackMapping.custom.')).toEqual([
      { field: 'feedbackMapping.custom.statusPath', message: expect.any(String) },
      { field: 'feedbackMapping.custom.messageIdPath', message: expect.any(String) },
    ]);
    expect(['results[]', 'status.groupName', 'a[0].b', 'x-y']).toEqual(
      ['results[]', 'status.groupName', 'a[0].b', 'x-y'].filter(isFeedbackPath),
    );
    expect(['', '.a', 'a..b', 'a[x]', 'a.'].filter(isFeedbackPath)).toEqual([]);
  });
});
