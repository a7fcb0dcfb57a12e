import { gatePaths, mergeGateActions, parseDurationMs, sendoutPaths } from './gate';

describe('parseDurationMs', () => {
  it.each([
    [90, 90_000],
    ['90', 90_000],
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
  ])('reads %j as %i ms', (input, ms) => expect(parseDurationMs(input)).toBe(ms));

  it.each([['soon'], [0], [-5], ['0s'], ['1w'], [null], [{}]])('refuses %j', (input) => expect(parseDurationMs(input)).toBeUndefined());
});

describe('mergeGateActions', () => {
  it("adds the sendout's actions after the project's and never replaces one", () => {
    expect(mergeGateActions([{ id: 'consent' }, { id: 'promo', code: 'A' }], [{ id: 'fraud' }, { id: 'promo', code: 'B' }])).toEqual([
      { id: 'consent' },
      { id: 'promo', code: 'A' },
      { id: 'fraud' },
    ]);
  });
});

describe('gatePaths', () => {
  it('counts everything at or after acceptance on the accepted path', () => {
    expect(gatePaths({ ACCEPTED: 1, SENDING: 2, SENT: 3, FAILED: 4, REJECTED: 5, TIMED_OUT: 6, GATED: 7 })).toEqual({
      accepted: 10,
      rejected: 5,
      timedOut: 6,
    });
  });

  it('leaves the excluded out of the three paths; the sendout paths count them apart', () => {
    const counts = { SENT: 3, REJECTED: 1, EXCLUDED: 2 };
    expect(gatePaths(counts)).toEqual({ accepted: 3, rejected: 1, timedOut: 0 });
    expect(sendoutPaths(counts)).toEqual({ accepted: 3, rejected: 1, timedOut: 0, excluded: 2 });
  });
});
