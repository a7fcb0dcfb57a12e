/** The campaign execution workflow: its input (ids and settings) and what its activity answers. */
import type { SendoutTuningInput } from './sendout.messages';

/** What a step's Schedule starts every execution with. */
export interface CampaignExecutionInput {
  campaignId: string;
  stepId: string;
  tuning: SendoutTuningInput;
}

/** The execution's sendout, stored: what its child workflow starts with, and the names the Web UI filters on. */
export interface CampaignExecutionStart {
  sendoutId: string;
  workflowId: string;
  gate?: { timeoutMs: number; split: boolean };
  names: { project: string; campaign: string; sendout: string; kind: string };
}

/** The sendout the execution ran (absent: the campaign was paused or deleted, and nothing was sent). */
export interface CampaignExecutionResult {
  sendoutId?: string;
}
