/** Inputs, results, signals and queries of the sendout workflow: ids and counts only. */
import { defineQuery } from '@temporalio/workflow';
import type { MessageCounts, SendoutStage } from '../libs/domain/src/states';

export interface SendoutTuningInput {
  generatePageSize: number;
  sendPageSize: number;
  sendWindow: number;
  sendConcurrency: number;
  heartbeatTimeoutMs: number;
}

export interface SendoutWorkflowInput {
  sendoutId: string;
  tuning: SendoutTuningInput;
  /** Set by continue-as-new: where the previous run stopped. */
  resume?: { afterMessageId: number; generated: number; sent: number; failed: number };
}

export interface SendoutProgress {
  stage: SendoutStage;
  generated: number;
  sent: number;
  failed: number;
  pagesInFlight: number;
  pagesDone: number;
}

export interface SendoutResult {
  sendoutId: string;
  stage: SendoutStage;
  counts: MessageCounts;
}

export const progressQuery = defineQuery<SendoutProgress>('progress');
