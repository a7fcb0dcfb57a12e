import { forEachConcurrentPaged } from './concurrency';

describe('forEachConcurrentPaged', () => {
  it('runs every item of every page, loading one page at a time', async () => {
    const pages = [[1, 2, 3], [4, 5], [6], []];
    let loads = 0;
    let loadsInFlight = 0;
    const done: number[] = [];
    await forEachConcurrentPaged(async () => {
      loadsInFlight += 1;
      expect(loadsInFlight).toBe(1);
      await new Promise((r) => setImmediate(r));
      loadsInFlight -= 1;
      return pages[loads++];
    }, 4, async (n) => {
      await new Promise((r) => setImmediate(r));
      done.push(n);
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(loads).toBe(4);
  });

  it('stops loading and taking items after the first error', async () => {
    const started: number[] = [];
    let loads = 0;
    const running = forEachConcurrentPaged(async () => (loads++ < 3 ? [loads * 10 + 1, loads * 10 + 2] : []), 2, async (n) => {
      started.push(n);
      if (n === 11) throw new Error('boom');
      await new Promise((r) => setTimeout(r, 10));
    });
    await expect(running).rejects.toThrow('boom');
    expect(started.sort()).toEqual([11, 12]);
    expect(loads).toBe(1);
  });
});
