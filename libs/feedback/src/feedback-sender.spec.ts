import { batchRequestId } from './feedback-sender';

describe('batchRequestId', () => {
  const events = (...ids: string[]) => ids.map((requestId) => ({ requestId }));

  it('names an array of events by their requestIds in order: 32 hex digits, the same for the same array', () => {
    const id = batchRequestId(events('a1', 'b2', 'c3'));

    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(batchRequestId(events('a1', 'b2', 'c3'))).toBe(id);
    expect(batchRequestId(events('c3', 'b2', 'a1'))).not.toBe(id);
    expect(batchRequestId(events('a1', 'b2'))).not.toBe(id);
    // each id ends with its separator: ids that run together differently name different arrays
    expect(batchRequestId(events('a1b', '2'))).not.toBe(batchRequestId(events('a1', 'b2')));
  });
});
