import { parseSendAt } from './send-at';

describe('parseSendAt', () => {
  const now = new Date('2026-11-24T12:00:00.000Z');

  it("reads Infobip's form as UTC", () => {
    expect(parseSendAt('2026-11-25T08:30:00.000+0000', now)).toEqual({ sendAt: new Date('2026-11-25T08:30:00.000Z') });
  });

  it('reads ISO 8601 with Z or an offset', () => {
    expect(parseSendAt('2026-11-25T08:30:00Z', now)).toEqual({ sendAt: new Date('2026-11-25T08:30:00.000Z') });
    expect(parseSendAt('2026-11-25T10:30:00.123456+02:00', now)).toEqual({ sendAt: new Date('2026-11-25T08:30:00.123Z') });
  });

  it('refuses a time without a zone, a date alone, other text and non-strings', () => {
    for (const value of ['2026-11-25T08:30:00', '2026-11-25', 'tomorrow', '', 42, null, `2026-11-25T08:30:00Z${' '.repeat(50)}`]) {
      expect(parseSendAt(value, now)).toHaveProperty('error');
    }
  });

  it('refuses an impossible date', () => {
    expect(parseSendAt('2026-13-45T08:30:00Z', now)).toEqual({ error: 'is not a valid time' });
  });

  it('refuses the past and now', () => {
    expect(parseSendAt('2026-11-24T12:00:00.000+0000', now)).toEqual({ error: 'must be in the future' });
    expect(parseSendAt('2026-11-23T12:00:00Z', now)).toEqual({ error: 'must be in the future' });
  });

  it('accepts 30 days ahead and refuses a moment more', () => {
    expect(parseSendAt('2026-12-24T12:00:00.000Z', now)).toHaveProperty('sendAt');
    expect(parseSendAt('2026-12-24T12:00:00.001Z', now)).toEqual({ error: 'must be at most 30 days ahead' });
  });
});
