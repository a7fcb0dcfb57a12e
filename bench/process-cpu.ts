/**
 * CPU time of the processes a bench runs, from /proc/<pid>/stat (user and system time of all its
 * threads, in Linux's USER_HZ ticks of 1/100 s), so that a bench can say what a message costs each
 * process on the machine: where the next bottleneck is, by measurement.
 */
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU seconds the process has used so far, or NaN when there is no such process (any more). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // after "pid (comm) ": state is field 3, utime 14 and stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** The pids of this machine's processes named `names` (their `comm`), e.g. the local database server. */
export function pidsNamed(...names: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * Starts counting: answers a function that gives each named group's CPU seconds since the start
 * (NaN for a group with no process, e.g. a database on another host).
 */
export function cpuMeter(groups: Record<string, number[]>): () => Record<string, number> {
  const total = (pids: number[]) => (pids.length === 0 ? NaN : pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0));
  const start = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, total(pids)]));
  return () => Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, total(pids) - start[name]]));
}

/** A cpuMeter reading as microseconds of CPU per message (or request), each group, and their sum. */
export function cpuPerMessage(seconds: Record<string, number>, messages: number): Record<string, number> {
  const perMessage = Object.fromEntries(Object.entries(seconds).map(([name, s]) => [name, (s / messages) * 1e6]));
  return { ...perMessage, total: Object.values(perMessage).reduce((sum, us) => sum + (Number.isNaN(us) ? 0 : us), 0) };
}
