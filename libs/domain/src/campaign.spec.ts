import { campaignScheduleId, cronProblem, MAX_CAMPAIGN_STEPS, validateCampaignSteps } from './campaign';
import { campaignSendoutId } from './identifiers';

const INTEGRATION = '6f1c1d1e-8a8b-4c4d-9e9f-0a0b0c0d0e0f';
const step = (overrides: Record<string, unknown> = {}) => ({
  id: 'daily',
  integrationId: INTEGRATION,
  content: { subject: 'Hi {{ contact.firstName }}' },
  schedule: { cron: '0 9 * * MON-FRI' },
  ...overrides,
});
const fields = (steps: unknown) => validateCampaignSteps(steps).map((e) => e.field);

describe('validateCampaignSteps', () => {
  it('accepts steps on a cron or an interval, gated or not', () => {
    expect(
      validateCampaignSteps([
        step(),
        step({
          id: 'hourly',
          gate: { enabled: true, split: true, actions: [{ id: 'check' }] },
          schedule: { every: '1h', startAt: '2026-12-01T09:00:00Z', endAt: '2027-01-01T00:00:00+01:00' },
        }),
        step({ id: 'fixed-hour', gate: { enabled: true, timeout: '1h' }, schedule: { every: 3600 } }),
      ]),
    ).toEqual([]);
  });

  describe('when a gate timeout other than one hour is given', () => {
    it('names steps[i].gate.timeout', () => {
      const errors = validateCampaignSteps([step(), step({ id: 'b', gate: { enabled: true, timeout: '30m' } })]);
      expect(errors).toEqual([{ field: 'steps[1].gate.timeout', message: expect.stringContaining('fixed at 1 hour') }]);
      expect(fields([step({ gate: { enabled: true, timeout: 'soon' } })])).toEqual(['steps[0].gate.timeout']);
    });
  });

  it('names repeated and malformed ids, and too many steps', () => {
    expect(fields([step(), step()])).toEqual(['steps[1].id']);
    expect(fields([step({ id: 'has space' })])).toEqual(['steps[0].id']);
    expect(fields(Array.from({ length: MAX_CAMPAIGN_STEPS + 1 }, (_, i) => step({ id: `s${i}` })))).toEqual(['steps']);
    expect(fields([])).toEqual(['steps']);
  });

  it('names content that does not compile, a bad integration id and unknown fields', () => {
    expect(fields([step({ content: { subject: '{{ unclosed' } })])).toEqual(['steps[0].content.subject']);
    expect(fields([step({ integrationId: 'nope', next: 'x' })])).toEqual(['steps[0].next', 'steps[0].integrationId']);
  });

  describe('the schedule', () => {
    it('needs exactly one of cron or every', () => {
      expect(fields([step({ schedule: {} })])).toEqual(['steps[0].schedule']);
      expect(fields([step({ schedule: { cron: '* * * * *', every: '1m' } })])).toEqual(['steps[0].schedule']);
      expect(fields([step({ schedule: undefined })])).toEqual(['steps[0].schedule']);
    });

    it('keeps every between one second and 366 days', () => {
      expect(fields([step({ schedule: { every: '500ms' } })])).toEqual(['steps[0].schedule.every']);
      expect(fields([step({ schedule: { every: '367d' } })])).toEqual(['steps[0].schedule.every']);
      expect(fields([step({ schedule: { every: '1s' } })])).toEqual([]);
    });

    it('wants ISO 8601 bounds with endAt after startAt', () => {
      expect(fields([step({ schedule: { every: '1m', startAt: 'tomorrow' } })])).toEqual(['steps[0].schedule.startAt']);
      expect(fields([step({ schedule: { every: '1m', startAt: '2026-12-02T00:00:00Z', endAt: '2026-12-01T00:00:00Z' } })])).toEqual([
        'steps[0].schedule.endAt',
      ]);
    });
  });
});

describe('cronProblem', () => {
  it.each(['* * * * *', '*/5 9-17 * * 1-5', '0 0 1,15 JAN,jul SUN', '30 23 31 12 7'])('reads %s', (cron) => {
    expect(cronProblem(cron)).toBeUndefined();
  });

  it.each([
    ['* * * *', /5 fields/],
    ['60 * * * *', /minute/],
    ['* 24 * * *', /hour/],
    ['* * 0 * *', /day of month/],
    ['* * * FOO *', /month/],
    ['* * * * 5-1', /day of week/],
    ['*/0 * * * *', /minute/],
    ['@daily', /5 fields/],
  ])('refuses %s', (cron, problem) => {
    expect(cronProblem(cron)).toMatch(problem);
  });
});

describe('campaign ids', () => {
  it('names the schedule after the campaign and the step', () => {
    expect(campaignScheduleId('c1', 'daily')).toBe('campaign-c1-step-daily');
  });

  it('gives an execution the same sendout id every time, another execution another', () => {
    const id = campaignSendoutId('campaign-c1-step-daily-2026-12-01T09:00:00Z');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(campaignSendoutId('campaign-c1-step-daily-2026-12-01T09:00:00Z')).toBe(id);
    expect(campaignSendoutId('campaign-c1-step-daily-2026-12-02T09:00:00Z')).not.toBe(id);
  });
});
