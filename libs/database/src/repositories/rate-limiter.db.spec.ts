import { randomUUID } from 'node:crypto';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { waitFor } from '../../../../test/wait';
import { RateLimiter } from './rate-limiter';

/** A clock the test moves; it counts reads, so the test can see a waiting limiter look at it. */
class TestClock {
  reads = 0;
  constructor(public ms: number) {}
  readonly now = () => {
    this.reads += 1;
    return this.ms;
  };
}

// The last millisecond of a window: a limiter that finds its window used up waits 2 ms, not a second.
const WINDOW = 1_000_000_010;
const lastMsOf = (window: number) => window * 1000 + 999;

describeOnEachDatabase((db) => {
  const used = async (integrationId: string, window: number) =>
    Number(
      (
        await db.sql.one<{ used: number | string }>('SELECT used FROM rate_windows WHERE integration_id = ? AND window_start = ?', [
          integrationId,
          window,
        ])
      )?.used ?? 0,
    );

  describe('when two workers want more than the limit in one window', () => {
    it('grants the limit between them, and the rest only in the next window', async () => {
      const integrationId = randomUUID();
      const clock = new TestClock(lastMsOf(WINDOW));
      const workers = [new RateLimiter(db.sql, clock.now), new RateLimiter(db.sql, clock.now)];
      let granted = 0;

      const sends = workers.flatMap((worker) =>
        Array.from({ length: 8 }, () => worker.acquire(integrationId, 10).then(() => void (granted += 1))),
      );
      await waitFor('ten permits', 5_000, () => granted >= 10, 5);
      // Let the waiting sends look at the clock (and the database) many times over before judging.
      const readsThen = clock.reads;
      await waitFor('the waiting sends to retry', 5_000, () => clock.reads > readsThen + 50, 5);

      expect(granted).toBe(10);
      expect(await used(integrationId, WINDOW)).toBe(10);

      clock.ms = lastMsOf(WINDOW + 1);
      await Promise.all(sends);

      expect(granted).toBe(16);
      // Each worker takes permits a few at a time, so it may hold one batch it did not use.
      expect(await used(integrationId, WINDOW + 1)).toBeGreaterThanOrEqual(6);
      expect(await used(integrationId, WINDOW + 1)).toBeLessThanOrEqual(10);
    });
  });

  describe('when a window of the half minute starts', () => {
    it('forgets windows older than two minutes', async () => {
      const integrationId = randomUUID();
      const window = 1_000_000_020; // a multiple of 30
      for (const old of [window - 121, window - 120]) {
        await db.sql.run('INSERT INTO rate_windows (integration_id, window_start, used) VALUES (?, ?, 5)', [integrationId, old]);
      }

      await new RateLimiter(db.sql, new TestClock(window * 1000).now).acquire(integrationId, 10);

      expect(await used(integrationId, window - 121)).toBe(0);
      expect(await used(integrationId, window - 120)).toBe(5);
      expect(await used(integrationId, window)).toBeGreaterThan(0);
    });
  });
});
