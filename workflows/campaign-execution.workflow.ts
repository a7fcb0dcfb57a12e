/**
 * One execution of a campaign step, started by the step's Schedule: store the execution's sendout,
 * then run it as a child sendout workflow and wait for it. The execution lasts as long as its
 * sendout (gate included), so the Schedule's overlap policy SKIP skips the step's next execution
 * while this one still runs: a step never sends twice at once.
 */
import { ParentClosePolicy, ChildWorkflowCancellationType, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CampaignActivities } from '../activities';
import { SendoutStage } from '../libs/domain/src/states';
import { CampaignExecutionInput, CampaignExecutionResult } from './campaign-execution.messages';
import { sendoutMemo, sendoutSummary } from './labels';
import { CampaignNameKey, ProjectNameKey, SendoutIdKey, SendoutKindKey, SendoutNameKey, SendoutStageKey } from './search-attributes';
import { sendoutWorkflow } from './sendout.workflow';

export async function campaignExecutionWorkflow(input: CampaignExecutionInput): Promise<CampaignExecutionResult> {
  const { startCampaignExecution } = proxyActivities<CampaignActivities>({
    startToCloseTimeout: '1m',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 20 },
  });
  const { campaignId, stepId, tuning } = input;
  const start = await startCampaignExecution({ campaignId, stepId, executionId: workflowInfo().workflowId });
  if (!start) return {}; // paused or deleted since the Schedule fired
  const labels = {
    name: start.names.sendout,
    kind: start.names.kind,
    projectName: start.names.project,
    campaignName: start.names.campaign,
  };

  await executeChild(sendoutWorkflow, {
    workflowId: start.workflowId,
    args: [{ sendoutId: start.sendoutId, tuning, gate: start.gate }],
    // cancelling the execution cancels its sendout, which settles its messages before the execution ends
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    typedSearchAttributes: [
      { key: SendoutIdKey, value: start.sendoutId },
      { key: ProjectNameKey, value: start.names.project },
      { key: SendoutNameKey, value: start.names.sendout },
      { key: SendoutKindKey, value: start.names.kind },
      { key: SendoutStageKey, value: SendoutStage.CREATED },
      { key: CampaignNameKey, value: start.names.campaign },
    ],
    memo: sendoutMemo({ ...labels, startedBy: workflowInfo().workflowId }),
    staticSummary: sendoutSummary(labels),
  });
  return { sendoutId: start.sendoutId };
}
