/**
 * What the Temporal Web UI shows of a sendout beside its id: a one-line summary (the workflow's
 * user metadata, the page's subtitle) and a memo with the human names. Pure: the journey-run
 * workflow gives its child sendouts the same labels as the API gives the sendouts it starts.
 */
export interface SendoutLabels {
  name: string;
  kind: string;
  projectName: string;
  journeyName?: string | null;
  campaignName?: string;
  /** The journey run or campaign execution that started it. */
  startedBy?: string;
}

export function sendoutSummary(labels: SendoutLabels): string {
  const journey = labels.journeyName ? `, journey "${labels.journeyName}"` : '';
  const campaign = labels.campaignName ? `, campaign "${labels.campaignName}"` : '';
  return `${labels.name}: ${labels.kind} sendout of project "${labels.projectName}"${journey}${campaign}`;
}

export function sendoutMemo(labels: SendoutLabels): Record<string, string> {
  return {
    sendout: labels.name,
    project: labels.projectName,
    ...(labels.journeyName ? { journey: labels.journeyName } : {}),
    ...(labels.campaignName ? { campaign: labels.campaignName } : {}),
    ...(labels.startedBy ? { startedBy: labels.startedBy } : {}),
  };
}
