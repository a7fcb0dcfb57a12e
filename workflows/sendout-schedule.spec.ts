import { ScheduleHold } from './sendout-schedule';

describe('ScheduleHold', () => {
  const inAnHour = () => Date.now() + 3_600_000;

  describe('before the schedule step', () => {
    it('accepts a pause, a resume and a new sendAt, and holds accordingly', () => {
      const sut = new ScheduleHold({});
      expect(sut.holds()).toBe(false);

      expect(sut.refusal({ paused: true })).toBeUndefined();
      sut.apply({ paused: true });
      expect(sut.holds()).toBe(true);
      expect(sut.view()).toEqual({ paused: true });

      const sendAt = inAnHour();
      sut.apply({ sendAt, paused: false });
      expect(sut.holds()).toBe(true);
      expect(sut.view()).toEqual({ sendAt: new Date(sendAt).toISOString(), paused: false });

      sut.apply({ sendAt: Date.now() - 1 });
      expect(sut.holds()).toBe(false);
    });

    it('refuses a change that changes nothing or is no time', () => {
      const sut = new ScheduleHold({ sendAt: inAnHour() });
      expect(sut.refusal({})).toBe('the change sets neither sendAt nor paused');
      expect(sut.refusal({ sendAt: Number.NaN })).toBe('sendAt is not a time');
    });
  });

  describe('once the run passed the schedule step', () => {
    it('refuses every change', () => {
      const sut = new ScheduleHold({ sendAt: inAnHour(), paused: true });
      sut.pass();
      expect(sut.refusal({ paused: false })).toBe('the sendout has already started sending');
    });
  });

  describe('in a run that slept at the schedule step under older code', () => {
    it('refuses every change', () => {
      const sut = new ScheduleHold({ sendAt: inAnHour() });
      sut.enterLegacy();
      expect(sut.refusal({ sendAt: inAnHour() })).toContain('older version');
    });
  });
});
