/**
 * The million bench's arithmetic over its samples and the workflow's history, kept apart from the
 * run so it can be tested on its own: the steady send rate, memory before and after a mark, and
 * the history's counts across continue-as-new.
 */
import type { temporal } from '@temporalio/proto';

/** One sample a second through the sendout. */
export interface MillionSample {
  /** ms since the epoch */
  at: number;
  /** seconds since the sendout was POSTed */
  t_s: number;
  /** requests the ESP had received by then (cumulative) */
  esp_sent: number;
  /** requests per second since the previous sample */
  esp_msgs_per_s: number;
  /** feedback events the feedback receiver had received by then (cumulative), and per second */
  feedback_received?: number;
  feedback_per_s?: number;
  worker_rss_mib: number;
  api_rss_mib: number;
  stage: string;
}

/** A phase of the sendout in seconds since it was POSTed, from the workflow history. */
export interface PhaseMark {
  name: string;
  start_s: number;
  end_s: number;
}

export interface MillionSeries {
  /** When the sendout was POSTed (ISO 8601). */
  t0: string;
  samples: Array<Omit<MillionSample, 'at'>>;
  phases: PhaseMark[];
}

/**
 * Messages per second at the ESP between 10% and 90% of `total` arrived (each crossing interpolated
 * between the two samples around it): the rate of the send step without its ramp-up and drain.
 */
export function steadyRate(samples: Array<Pick<MillionSample, 'at' | 'esp_sent'>>, total: number): number {
  const crossing = (count: number): number | undefined => {
    for (let i = 1; i < samples.length; i++) {
      const [a, b] = [samples[i - 1], samples[i]];
      if (a.esp_sent < count && b.esp_sent >= count) return a.at + ((count - a.esp_sent) / (b.esp_sent - a.esp_sent)) * (b.at - a.at);
    }
    return undefined;
  };
  const from = crossing(total * 0.1);
  const to = crossing(total * 0.9);
  if (from === undefined || to === undefined || to <= from) return NaN;
  return (total * 0.8) / ((to - from) / 1000);
}

/**
 * Resident memory of each process early and late in the run, to see whether it stays flat: the
 * highest until `mark` messages had reached the ESP (the first sample at or past it included),
 * the highest at the end (from `endFrom` messages at the ESP through the last sample, the feedback
 * fan-out included) and over the whole run; and the medians from `mark` to twice `mark` and of the
 * end, which a garbage collector's sawtooth does not move as much as it moves the peaks.
 */
export function memoryFigures(
  samples: Array<Pick<MillionSample, 'esp_sent' | 'worker_rss_mib' | 'api_rss_mib'>>,
  mark: number,
  endFrom: number,
) {
  const reached = samples.findIndex((s) => s.esp_sent >= mark);
  const early = reached === -1 ? samples : samples.slice(0, reached + 1);
  const twice = samples.findIndex((s) => s.esp_sent >= 2 * mark);
  const afterMark = reached === -1 ? [] : samples.slice(reached, twice === -1 ? undefined : twice + 1);
  const lateFrom = samples.findIndex((s) => s.esp_sent >= endFrom);
  const late = lateFrom === -1 ? [] : samples.slice(lateFrom);
  const of = (rows: typeof samples, key: 'worker_rss_mib' | 'api_rss_mib') => rows.map((s) => s[key]).filter(Number.isFinite);
  const figures = (key: 'worker_rss_mib' | 'api_rss_mib') => ({
    untilMark: Math.max(...of(early, key)),
    atEnd: Math.max(...of(late, key)),
    max: Math.max(...of(samples, key)),
    medianAfterMark: median(of(afterMark, key)),
    medianAtEnd: median(of(late, key)),
  });
  return { mark, endFrom, worker: figures('worker_rss_mib'), api: figures('api_rss_mib') };
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The marker the SDK records for each local activity it ran. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** Events, scheduled activities and local activities over every run of a workflow id. */
export function historyStats(runs: HistoryEvent[][]) {
  let events = 0;
  let activitiesScheduled = 0;
  let localActivities = 0;
  for (const run of runs) {
    events += run.length;
    for (const event of run) {
      if (event.activityTaskScheduledEventAttributes) activitiesScheduled += 1;
      if (event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) localActivities += 1;
    }
  }
  return { runs: runs.length, events, activitiesScheduled, localActivities };
}
