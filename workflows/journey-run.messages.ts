/**
 * Input and query of the journey-run workflow: the journey's graph without its contents (step ids,
 * kinds, paths, waits), and ids. Contents, filters and audiences stay in the database: the
 * activity that starts a step reads them from the run's journey version.
 */
import { defineQuery } from '@temporalio/workflow';
import type { SendoutTuningInput } from './sendout.messages';

/** One step of the run's journey version, as the workflow walks it. */
export type JourneyRunStep =
  | { id: string; type: 'message'; next: { accepted?: string; rejected?: string; timedOut?: string; sent?: string } }
  | { id: string; type: 'wait'; waitMs: number; next: string }
  | { id: string; type: 'branch'; next: { match: string; otherwise: string } }
  | { id: string; type: 'end' };

export interface JourneyRunInput {
  runId: string;
  entryStepId: string;
  steps: JourneyRunStep[];
  /** The tuning of every sendout the run starts (the API's, as for sendouts it starts itself). */
  tuning: SendoutTuningInput;
}

/**
 * Who reaches a step: the contacts an earlier step's sendout put on one path (absent: the run's own
 * audience), through the branches passed since, each matched or not.
 */
export interface JourneyArrival {
  from?: { sendoutId: string; path: 'accepted' | 'rejected' | 'timedOut' | 'sent' };
  branches: { stepId: string; match: boolean }[];
  /** The steps walked to get here, `stepId` or `stepId.path` joined by `/`: names the step's sendout uniquely within the run. */
  trail: string;
}

/** What the `startJourneyStep` activity made: the step's sendout, ready for its child workflow. */
export interface JourneyStepSendout {
  sendoutId: string;
  workflowId: string;
  gate?: { timeoutMs: number; split: boolean };
  /** For the child's search attributes in the Web UI. */
  names: { projectName: string; journeyName: string; sendoutName: string };
}

export interface JourneyRunProgress {
  stage: 'RUNNING' | 'COMPLETED' | 'CANCELED' | 'FAILED';
  /** Per step that was reached: how many arrivals are waiting, running or done, and the sendouts started. */
  steps: Record<string, { waiting: number; running: number; done: number; sendoutIds: string[] }>;
}

export const journeyRunProgressQuery = defineQuery<JourneyRunProgress>('progress');
