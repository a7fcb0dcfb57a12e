/**
 * Where a worker's CPU went while it sent: reads a V8 `.cpuprofile` (from `--cpu-prof`, e.g.
 * `BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` with `WORKER_SHUTDOWN_GRACE_MS=2000`
 * so the worker exits before the stack's SIGKILL), keeps the samples between the first and the last
 * one that renders a message (the send window), and sorts each sample into the part of the send
 * path its stack is in.
 *
 *   node dist/bench/cpu-profile.js <file.cpuprofile> [messages]
 *
 * With the number of messages sent, it also prints the CPU per message of each part.
 */
import { readFileSync } from 'node:fs';

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

type Frame = CpuProfile['nodes'][number]['callFrame'];

/** The parts, first match wins: a stack that renders is rendering even when it also touches a driver. */
const PARTS: Array<[string, (frames: Frame[]) => boolean]> = [
  ['idle', (f) => f[0].functionName === '(idle)'],
  ['garbage collection', (f) => f[0].functionName === '(garbage collector)'],
  ['render (Liquid content and payload)', (f) => f.some((x) => x.functionName === 'renderPayload')],
  ['database driver (mysql2, TypeORM)', (f) => f.some((x) => /node_modules\/(mysql2|typeorm)\//.test(x.url))],
  ['metrics (prom-client)', (f) => f.some((x) => x.url.includes('node_modules/prom-client/'))],
  ['HTTP to the ESP (undici, sockets)', (f) => f.some((x) => x.url.includes('node_modules/undici/') || x.url.endsWith('esp-client.js'))],
  ['Temporal SDK', (f) => f.some((x) => /node_modules\/(@temporalio|protobufjs)\//.test(x.url))],
  ['async context (async_hooks)', (f) => f.some((x) => x.url === 'node:async_hooks' || x.url === 'node:internal/async_hooks')],
  ['promise and task queues', (f) => f[0].functionName === 'runMicrotasks' || f.some((x) => x.url === 'node:internal/process/task_queues')],
];

export interface ProfileSummary {
  windowMs: number;
  /** Milliseconds of the window by part, largest first. */
  parts: Array<{ part: string; ms: number; share: number }>;
}

/** The send window's samples by part; undefined when no sample rendered a message. */
export function summarizeSendWindow(profile: CpuProfile): ProfileSummary | undefined {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const framesOf = (id: number): Frame[] => {
    const frames: Frame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) frames.push(byId.get(at)!.callFrame);
    return frames;
  };
  const stacks = profile.samples.map(framesOf);
  const rendering = (frames: Frame[]) => frames.some((f) => f.functionName === 'renderPayload');
  const first = stacks.findIndex(rendering);
  if (first < 0) return undefined;
  let last = first;
  stacks.forEach((frames, i) => rendering(frames) && (last = i));

  const ms = new Map<string, number>();
  let windowMs = 0;
  for (let i = first; i <= last; i++) {
    const spent = profile.timeDeltas[i] / 1_000;
    const part = PARTS.find(([, matches]) => matches(stacks[i]))?.[0] ?? 'other';
    ms.set(part, (ms.get(part) ?? 0) + spent);
    windowMs += spent;
  }
  const parts = [...ms].map(([part, spent]) => ({ part, ms: spent, share: spent / windowMs })).sort((a, b) => b.ms - a.ms);
  return { windowMs, parts };
}

if (require.main === module) {
  const [file, messages] = process.argv.slice(2);
  if (!file) throw new Error('usage: node dist/bench/cpu-profile.js <file.cpuprofile> [messages]');
  const summary = summarizeSendWindow(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  if (!summary) throw new Error(`${file}: no sample renders a message (is it a worker's profile of a send?)`);
  const perMessage = Number(messages) > 0 ? Number(messages) : undefined;
  console.log(`send window ${(summary.windowMs / 1_000).toFixed(1)} s of the worker's main thread`);
  for (const { part, ms, share } of summary.parts) {
    const micros = perMessage && part !== 'idle' ? `  ${((ms * 1_000) / perMessage).toFixed(1).padStart(6)} µs/message` : '';
    console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${part.padEnd(40)}${micros}`);
  }
}
