/**
 * The activity of a campaign execution: store the execution's sendout, once. The Schedule names the
 * campaign and the step only, so the campaign is read as it is when the execution runs.
 */
import { CampaignsRepository, ProjectsRepository, SendoutsRepository, SendoutEntity } from '@sendgate/database';
import {
  CAMPAIGN_GATE_TIMEOUT_MS,
  CampaignState,
  SendoutKind,
  SendoutMode,
  SendoutStage,
  campaignSendoutId,
  sendoutWorkflowId,
} from '@sendgate/domain';

/** The execution's sendout, stored: what its child workflow starts with, and the names the Web UI filters on. */
export interface CampaignExecutionStart {
  sendoutId: string;
  workflowId: string;
  gate?: { timeoutMs: number; split: boolean };
  names: { project: string; campaign: string; sendout: string; kind: string };
}

export interface CampaignActivityDeps {
  campaigns: CampaignsRepository;
  sendouts: SendoutsRepository;
  projects: ProjectsRepository;
}

/** The campaign's name in the execution's sendout name, cut so that the whole stays within 200 characters. */
const NAME_CHARS = 100;

export function createCampaignActivities(deps: CampaignActivityDeps) {
  return { startCampaignExecution: startCampaignExecutionActivity(deps) };
}

export type CampaignActivities = ReturnType<typeof createCampaignActivities>;

/**
 * Stores the execution's sendout (batch, campaign mode, the campaign's segment as it is now, the
 * step's integration, content and gate with its fixed hour) and answers what its child workflow
 * starts with. The sendout's id derives from the execution's workflow id, so a retried activity
 * finds the row it stored. A campaign paused or deleted since the Schedule fired stores nothing
 * (null). The row is stored as started: the execution starts its workflow at once, so the API's
 * reconciler of unstarted sendouts leaves it alone.
 */
export function startCampaignExecutionActivity({ campaigns, sendouts, projects }: CampaignActivityDeps) {
  return async function startCampaignExecution(input: {
    campaignId: string;
    stepId: string;
    executionId: string;
  }): Promise<CampaignExecutionStart | null> {
    const sendoutId = campaignSendoutId(input.executionId);
    const stored = await sendouts.findById(sendoutId);
    if (stored) return startOf(stored, await names(stored));

    const campaign = await campaigns.findById(input.campaignId);
    const step = campaign?.steps.find((s) => s.id === input.stepId);
    if (!campaign || !step || campaign.state !== CampaignState.ACTIVE) return null;

    const gated = step.gate?.enabled === true;
    const sendout: Partial<SendoutEntity> = {
      id: sendoutId,
      accountId: campaign.accountId,
      projectId: campaign.projectId,
      name: `${campaign.name.slice(0, NAME_CHARS)} · ${step.id} · ${new Date().toISOString()}`,
      kind: SendoutKind.BATCH,
      mode: SendoutMode.CAMPAIGN,
      journeyName: null,
      segmentId: campaign.segmentId,
      contactIds: null,
      integrationId: step.integrationId,
      content: step.content,
      stage: SendoutStage.CREATED,
      workflowId: sendoutWorkflowId(sendoutId),
      gateEnabled: gated,
      gateTimeoutMs: gated ? CAMPAIGN_GATE_TIMEOUT_MS : null,
      gateSplit: gated && step.gate?.split === true,
      gateActions: gated ? (step.gate?.actions ?? []) : null,
      sendAt: null,
      workflowStartedAt: new Date(),
      feedbackEnabled: false,
      campaignId: campaign.id,
      campaignStepId: step.id,
    };
    if (!(await sendouts.insert(sendout))) {
      // an earlier attempt of this activity stored it meanwhile
      const earlier = (await sendouts.findById(sendoutId))!;
      return startOf(earlier, await names(earlier));
    }
    return startOf(sendout as SendoutEntity, await names(sendout as SendoutEntity, campaign.name));
  };

  async function names(sendout: SendoutEntity, campaignName?: string): Promise<CampaignExecutionStart['names']> {
    const project = await projects.findById(sendout.projectId);
    const campaign = campaignName ?? (await campaigns.findById(sendout.campaignId!, { includeDeleted: true }))?.name ?? '';
    return { project: project?.name ?? '', campaign, sendout: sendout.name, kind: sendout.kind };
  }
}

function startOf(sendout: SendoutEntity, names: CampaignExecutionStart['names']): CampaignExecutionStart {
  return {
    sendoutId: sendout.id,
    workflowId: sendout.workflowId,
    ...(sendout.gateEnabled ? { gate: { timeoutMs: sendout.gateTimeoutMs!, split: sendout.gateSplit } } : {}),
    names,
  };
}
