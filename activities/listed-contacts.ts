import { MessageState } from '@sendgate/domain';
import { SendoutActivityDeps } from './deps';

/**
 * A sendout to a list (an email API request, a single sendout) stopped before it generated every
 * message: the listed contacts without one get it now, as GENERATED, so that the cancel or failure
 * that follows ends each of them in a final state (and reports it), not only those generated in
 * time. One INSERT IGNORE per thousand ids: a message generated meanwhile is kept as it is.
 * A segment's sendout is left as it is: its audience is whatever was generated; so is a journey
 * step's (its audience, even one of listed ids, is resolved by generation only). No address is
 * checked here: a contact without one ends cancelled or failed with the sendout, like the rest.
 */
export async function generateRestOfList(deps: Pick<SendoutActivityDeps, 'sendouts' | 'messages'>, sendoutId: string): Promise<void> {
  const sendout = await deps.sendouts.findById(sendoutId);
  if (!sendout?.contactIds || sendout.audience) return;
  await deps.messages.generateForExternalIds({
    sendoutId,
    accountId: sendout.accountId,
    externalIds: sendout.contactIds,
    state: MessageState.GENERATED,
  });
}
