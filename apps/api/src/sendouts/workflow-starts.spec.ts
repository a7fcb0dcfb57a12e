import { Logger } from '@nestjs/common';
import { BoundedStarter } from './workflow-starts';

/** A start the test finishes when it wants: it records that it began and waits for `finish`. */
class Starts {
  readonly began: string[] = [];
  private readonly finishers = new Map<string, () => void>();

  task(name: string, outcome: 'ok' | 'throws' = 'ok') {
    return () => {
      this.began.push(name);
      return new Promise<void>((resolve, reject) =>
        this.finishers.set(name, () => (outcome === 'ok' ? resolve() : reject(new Error(`${name} failed`)))),
      );
    };
  }

  finish(name: string): void {
    this.finishers.get(name)!();
  }
}

/** Lets every callback already due run (the starter's own turn, then the settled starts' follow-ups). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

const quietLogger = () => {
  const logger = new Logger('test');
  jest.spyOn(logger, 'log').mockImplementation(() => undefined);
  jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  return logger;
};

describe('BoundedStarter', () => {
  describe('with 2 concurrent starts and room for 1 more waiting', () => {
    let starter: BoundedStarter;
    let starts: Starts;
    let offered: boolean[];

    beforeEach(async () => {
      starter = new BoundedStarter({ concurrency: 2, queued: 1 }, quietLogger());
      starts = new Starts();
      offered = ['a', 'b', 'c', 'd'].map((name) => starter.offer(starts.task(name)));
      await settle();
    });

    afterEach(async () => {
      for (const name of starts.began) starts.finish(name);
      await starter.close();
    });

    it('takes three, refuses the fourth (left to the reconciler) and runs two at a time', () => {
      expect(offered).toEqual([true, true, true, false]);
      expect(starts.began).toEqual(['a', 'b']);
    });

    it('begins the waiting start once a running one ends, and takes new ones again', async () => {
      starts.finish('a');
      await settle();

      expect(starts.began).toEqual(['a', 'b', 'c']);
      expect(starter.offer(starts.task('e'))).toBe(true);
      expect(starter.offer(starts.task('f'))).toBe(false);
    });

    it('goes on after a start that fails', async () => {
      const failing = new BoundedStarter({ concurrency: 1, queued: 1 }, quietLogger());
      const mine = new Starts();
      failing.offer(mine.task('bad', 'throws'));
      failing.offer(mine.task('good'));
      await settle();
      mine.finish('bad');
      await settle();

      expect(mine.began).toEqual(['bad', 'good']);
      mine.finish('good');
      await failing.close();
    });

    it('at close drops the waiting start, refuses new ones, and resolves only after the running ones end', async () => {
      let closed = false;
      const closing = starter.close().then(() => (closed = true));
      await settle();

      expect(closed).toBe(false);
      expect(starter.offer(starts.task('late'))).toBe(false);

      starts.finish('a');
      starts.finish('b');
      await closing;
      await settle();

      expect(closed).toBe(true);
      expect(starts.began).toEqual(['a', 'b']);
    });
  });

  it('does not begin a start when offering it: the caller answers first', () => {
    const fresh = new BoundedStarter({ concurrency: 2, queued: 0 }, quietLogger());
    const later = new Starts();

    expect(fresh.offer(later.task('x'))).toBe(true);
    expect(later.began).toEqual([]);
  });

  it('with concurrency 0 takes nothing: every start is left to the reconciler', () => {
    const starter = new BoundedStarter({ concurrency: 0, queued: 100 }, quietLogger());

    expect(starter.offer(() => Promise.resolve())).toBe(false);
  });
});
