import { readFileSync } from 'node:fs';
import { cpuMeter, cpuPerMessage, cpuSeconds, pidsNamed } from './process-cpu';

/** Keeps this process's thread busy until it has used `ms` of CPU. */
function burn(ms: number): void {
  const start = process.cpuUsage();
  let x = 0;
  while ((process.cpuUsage(start).user + process.cpuUsage(start).system) / 1000 < ms) x += Math.sqrt(x + 1);
}

describe('process CPU', () => {
  it('reads the CPU a process has used, and NaN for one that does not exist', () => {
    expect(cpuSeconds(process.pid)).toBeGreaterThan(0);
    expect(cpuSeconds(2 ** 30)).toBeNaN();
  });

  it('finds processes by name', () => {
    const comm = readFileSync('/proc/self/comm', 'utf8').trim();
    expect(pidsNamed(comm)).toContain(process.pid);
    expect(pidsNamed('no-such-process-name')).toEqual([]);
  });

  it('counts what each group used since the meter started, NaN for a group without a process', () => {
    const meter = cpuMeter({ self: [process.pid], elsewhere: [] });
    burn(100);
    const used = meter();
    expect(used.self).toBeGreaterThanOrEqual(0.05);
    expect(used.elsewhere).toBeNaN();
  });

  it('answers microseconds per message, with a total that leaves out the groups it could not read', () => {
    expect(cpuPerMessage({ worker: 0.5, database: 0.25, temporal: NaN }, 10_000)).toEqual({
      worker: 50,
      database: 25,
      temporal: NaN,
      total: 75,
    });
  });
});
