import { cancelSendoutActivity } from './cancel-sendout.activity';
import { closeGateActivity, releaseAcceptedGateActivity } from './close-gate.activity';
import { completeSendoutActivity } from './complete-sendout.activity';
import { SendoutActivityDeps } from './deps';
import { failMessagePageActivity } from './fail-message-page.activity';
import { failSendoutActivity } from './fail-sendout.activity';
import { generateMessagesActivity } from './generate-messages.activity';
import { markSendoutStageActivity } from './mark-sendout-stage.activity';
import { notifyGateActivity } from './notify-gate.activity';
import { openGateActivity } from './open-gate.activity';
import { planSendPagesActivity } from './plan-send-pages.activity';
import { readGateStateActivity } from './read-gate-state.activity';
import { EmailLogActivityDeps, purgeEmailLogsActivity } from './purge-email-logs.activity';
import { saveSendoutScheduleActivity } from './save-sendout-schedule.activity';
import { sendMessagePageActivity } from './send-message-page.activity';
import { sharedPreparations } from './page-preparation';

export type { SendoutActivityDeps } from './deps';
export type { ClosedGate, GateOutcome, StartSending } from './close-gate.activity';

/** Every activity of the sendout workflow, built over explicit dependencies. */
export function createSendoutActivities(deps: SendoutActivityDeps) {
  // shared by the gate's close, which starts one for the first pages, and the pages
  const preparations = sharedPreparations(deps);
  return {
    markSendoutStage: markSendoutStageActivity(deps),
    generateMessages: generateMessagesActivity(deps),
    openGate: openGateActivity(deps),
    notifyGate: notifyGateActivity(deps),
    readGateState: readGateStateActivity(deps),
    closeGate: closeGateActivity(deps, preparations),
    releaseAcceptedGate: releaseAcceptedGateActivity(deps),
    planSendPages: planSendPagesActivity(deps),
    sendMessagePage: sendMessagePageActivity(deps, preparations),
    failMessagePage: failMessagePageActivity(deps),
    completeSendout: completeSendoutActivity(deps),
    cancelSendout: cancelSendoutActivity(deps),
    failSendout: failSendoutActivity(deps),
    saveSendoutSchedule: saveSendoutScheduleActivity(deps),
  };
}

export type SendoutActivities = ReturnType<typeof createSendoutActivities>;

export type { EmailLogActivityDeps } from './purge-email-logs.activity';

/** The activities of the email log purge (run by the `email-log-purge` Schedule). */
export function createEmailLogActivities(deps: EmailLogActivityDeps) {
  return { purgeEmailLogs: purgeEmailLogsActivity(deps) };
}

export type EmailLogActivities = ReturnType<typeof createEmailLogActivities>;

export { createFeedbackActivities } from './feedback';
export { createJourneyActivities } from './journey-run';
export type { JourneyActivities, JourneyActivityDeps } from './journey-run';
export type { FeedbackActivities, FeedbackActivityDeps } from './feedback';

export { createCampaignActivities } from './campaign';
export type { CampaignActivities, CampaignActivityDeps, CampaignExecutionStart } from './campaign';
