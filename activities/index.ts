import { completeSendoutActivity } from './complete-sendout.activity';
import { SendoutActivityDeps } from './deps';
import { failMessagePageActivity } from './fail-message-page.activity';
import { generateMessagesActivity } from './generate-messages.activity';
import { markSendoutStageActivity } from './mark-sendout-stage.activity';
import { planSendPagesActivity } from './plan-send-pages.activity';
import { sendMessagePageActivity } from './send-message-page.activity';

export type { SendoutActivityDeps } from './deps';

/** Every activity of the sendout workflow, built over explicit dependencies. */
export function createSendoutActivities(deps: SendoutActivityDeps) {
  return {
    markSendoutStage: markSendoutStageActivity(deps),
    generateMessages: generateMessagesActivity(deps),
    planSendPages: planSendPagesActivity(deps),
    sendMessagePage: sendMessagePageActivity(deps),
    failMessagePage: failMessagePageActivity(deps),
    completeSendout: completeSendoutActivity(deps),
  };
}

export type SendoutActivities = ReturnType<typeof createSendoutActivities>;
