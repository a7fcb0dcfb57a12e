/**
 * Who a journey step's sendout goes to: the contacts an earlier sendout of the same run put on one
 * of its paths (or the run's own audience), narrowed by the branch conditions passed on the way.
 * Stored with the sendout and resolved by the database at generation, so no contact list ever
 * travels through the workflow. The workflow bundle imports this file by path, so it stays free of
 * I/O and Node built-ins.
 */
import { MessageCounts, MessageState } from './states';
import type { SegmentFilter } from './segment-filter';

export type JourneyPath = 'accepted' | 'rejected' | 'timedOut' | 'sent';

export const JOURNEY_PATHS: readonly JourneyPath[] = ['accepted', 'rejected', 'timedOut', 'sent'];

/**
 * Which message states of a finished sendout put a contact on a path. `accepted` is every state
 * past the gate, whatever sending made of it (a failed send still passed the gate); `sent` is only
 * the messages the ESP took. Gate paths never overlap: a contact is on at most one of accepted,
 * rejected and timedOut. An EXCLUDED message (the contact lacked the address the integration needs)
 * is on none: it never reached the gate, and a later step would lack the address just the same.
 */
export const JOURNEY_PATH_STATES: Record<JourneyPath, readonly MessageState[]> = {
  accepted: [
    MessageState.ACCEPTED,
    MessageState.SENDING,
    MessageState.SENT,
    MessageState.DELIVERED,
    MessageState.BOUNCED,
    MessageState.FAILED,
  ],
  rejected: [MessageState.REJECTED],
  timedOut: [MessageState.TIMED_OUT],
  sent: [MessageState.SENT, MessageState.DELIVERED, MessageState.BOUNCED],
};

/** How many contacts the message counts put on each of `paths` (a sendout's paths, from its counts by state). */
export function countOnPaths<P extends JourneyPath>(counts: MessageCounts, paths: readonly P[]): Record<P, number> {
  return Object.fromEntries(
    paths.map((path) => [path, JOURNEY_PATH_STATES[path].reduce((sum, state) => sum + (counts[state] ?? 0), 0)]),
  ) as Record<P, number>;
}

/**
 * countOnPaths, and beside the paths the contacts excluded at generation for want of an address:
 * on no path, they leave the flow, and the views show them so the paths add up to the audience.
 */
export function countOnPathsAndExcluded<P extends JourneyPath>(
  counts: MessageCounts,
  paths: readonly P[],
): Record<P, number> & { excluded: number } {
  return { ...countOnPaths(counts, paths), excluded: counts[MessageState.EXCLUDED] ?? 0 };
}

/** A branch condition passed on the way: the contact must match `filter` (match) or not (otherwise). */
export interface AudienceCondition {
  filter: SegmentFilter;
  match: boolean;
}

/** Who a journey step's sendout goes to. */
export interface SendoutAudience {
  /** The contacts an earlier sendout (of the same run) put on `path`; absent: the run's own audience below. */
  from?: { sendoutId: string; path: JourneyPath };
  /** The run's own audience (when `from` is absent): a segment as it is at generation, or external contact ids. */
  segmentId?: string;
  contactIds?: string[];
  /**
   * Branch conditions passed on the way, in order: the contact must match the filter (match) or not
   * (otherwise: false OR unknown/NULL, so a contact lacking the attribute takes the otherwise path).
   */
  conditions: AudienceCondition[];
}
