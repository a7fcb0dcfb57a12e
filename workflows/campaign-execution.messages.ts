/** The campaign execution workflow: its input (ids and settings) and its result. */
import type { SendoutTuningInput } from './sendout.messages';

/** What a step's Schedule starts every execution with. */
export interface CampaignExecutionInput {
  campaignId: string;
  stepId: string;
  tuning: SendoutTuningInput;
}

/** The sendout the execution ran (absent: the campaign was paused or deleted, and nothing was sent). */
export interface CampaignExecutionResult {
  sendoutId?: string;
}
