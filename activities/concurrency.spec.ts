import { forEachConcurrentPaged } from './concurrency';

describe('forEachConcurrentPaged', () => {
  it('runs every item of every page, loading one page at a time', async () => {
    const pages = [[1, 2, 3], [4, 5], [6], []];
    let loads = 0;
    let loadsInFlight = 0;
    const done: number[] = [];
    await forEachConcurrentPaged(
      async () => {
        loadsInFlight += 1;
        expect(loadsInFlight).toBe(1);
        await new Promise((r) => setImmediate(r));
        loadsInFlight -= 1;
        return pages[loads++];
      },
      4,
      async (n) => {
        await new Promise((r) => setImmediate(r));
        done.push(n);
      },
    );
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(loads).toBe(4);
  });

  it('stops loading and taking items after the first error', async () => {
    const started: number[] = [];
    let loads = 0;
    const running = forEachConcurrentPaged(
      async () => (loads++ < 3 ? [loads * 10 + 1, loads * 10 + 2] : []),
      2,
      async (n) => {
        started.push(n);
        if (n === 11) throw new Error('boom');
        await new Promise((r) => setTimeout(r, 10));
      },
    );
    await expect(running).rejects.toThrow('boom');
    expect(started.sort()).toEqual([11, 12]);
    expect(loads).toBe(1);
  });
});

describe('forEachConcurrentPaged, ahead of the lanes', () => {
  it('asks for the next page while items of the current one are still being worked on', async () => {
    const pages = [[1, 2, 3, 4, 5, 6], [7, 8], []];
    let loads = 0;
    const inFlightAtLoad: number[] = [];
    let inFlight = 0;
    await forEachConcurrentPaged(
      async () => {
        inFlightAtLoad.push(inFlight);
        return pages[loads++];
      },
      2,
      async () => {
        inFlight += 1;
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
      },
    );
    expect(loads).toBe(3);
    // the second page was requested while lanes were still busy with the first
    expect(inFlightAtLoad[1]).toBeGreaterThan(0);
  });

  it('throws a failed load after the lanes settle', async () => {
    let loads = 0;
    const running = forEachConcurrentPaged(
      async () => {
        if (loads++ === 1) throw new Error('database gone');
        return [1, 2, 3];
      },
      2,
      async () => undefined,
    );
    await expect(running).rejects.toThrow('database gone');
  });
});
