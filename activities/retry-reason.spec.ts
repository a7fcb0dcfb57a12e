import { retryReason } from './send-message-page.activity';

describe('retryReason', () => {
  it.each([
    [{ status: 429 }, '429'],
    [{ status: 425 }, '429'],
    [{ status: 503 }, '5xx'],
    [{ status: 408 }, 'timeout'],
    [{ timedOut: true }, 'timeout'],
    [{}, 'network'],
  ])('labels a retry %p as %s', (fields, expected) => {
    expect(retryReason({ kind: 'retry', reason: 'ESP answered', ...fields })).toBe(expected);
  });
});
