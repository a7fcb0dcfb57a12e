import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MessageState, SendoutKind, mergeGateActions, totalOf } from '@sendgate/domain';
import { openEndpoint } from '@sendgate/gate';
import { SendoutActivityDeps } from './deps';

const SINGLE_ITEMS_PAGE = 1_000;

/**
 * Sends the gate webhook to the account's endpoint. Every attempt is recorded; a failed one
 * throws for Temporal to retry with backoff, until the workflow's deadline ends the retries.
 */
export function notifyGateActivity(deps: SendoutActivityDeps) {
  const { sendouts, projects, gateEndpoints } = deps;

  return async function notifyGate(input: { sendoutId: string }): Promise<{ delivered: boolean }> {
    const attempt = Context.current().info.attempt;
    const sendout = await sendouts.findById(input.sendoutId);
    if (!sendout) throw new Error(`sendout ${input.sendoutId} does not exist`);
    const stored = await gateEndpoints.find(sendout.accountId);
    if (!stored) {
      await deps.gates.recordDelivery({
        sendoutId: sendout.id,
        attempt,
        transport: 'none',
        outcome: 'failed',
        detail: 'no gate endpoint is configured for the account',
      });
      log.warn('no gate endpoint is configured for the account: the gate waits for an answer or its deadline');
      return { delivered: false };
    }
    const project = await projects.findById(sendout.projectId);
    if (!project) throw new Error(`project ${sendout.projectId} does not exist`);
    const gate = await deps.gates.find(sendout.id);
    if (!gate) throw ApplicationFailure.nonRetryable(`sendout ${sendout.id} has no open gate`, 'GateMissing');
    // A run continued as new during the wait asks again: a webhook already delivered is not sent twice.
    if (gate.notifiedAt) return { delivered: true };

    const common = {
      sendoutId: sendout.id,
      finishUri: deps.gateUris.finish(sendout.id, gate.expiresAt),
      actions: mergeGateActions(project.gateActions ?? [], sendout.gateActions ?? []),
      projectName: project.name,
      journeyName: sendout.journeyName,
      sendoutName: sendout.name,
      dataUri: deps.gateUris.data(sendout.id, gate.expiresAt),
      expiresAt: gate.expiresAt.toISOString(),
    };
    // the integrator is offered every message but the excluded (no address: never sent), as the item file lists them
    const counts = await deps.messages.countByState(sendout.id);
    const itemCount = totalOf(counts) - (counts[MessageState.EXCLUDED] ?? 0);
    const payload =
      sendout.kind === SendoutKind.SINGLE
        ? { ...common, itemCount, items: await singleItems(deps, sendout.id, gate.expiresAt) }
        : { ...common, itemCount, itemDownloadUri: deps.gateUris.items(sendout.id, gate.expiresAt) };

    const result = await deps.notifier.deliver(openEndpoint(stored, deps.secrets), payload, `gate:${sendout.id}`);
    await deps.gates.recordDelivery({
      sendoutId: sendout.id,
      attempt,
      transport: result.transport,
      status: result.status,
      outcome: result.delivered ? 'delivered' : 'failed',
      detail: result.error ?? result.messageId,
    });
    if (result.delivered) log.info('gate webhook delivered', { transport: result.transport, status: result.status });
    if (result.refused) throw ApplicationFailure.nonRetryable(result.error ?? 'gate endpoint refused', 'GateEndpointRefused');
    if (!result.delivered) throw ApplicationFailure.retryable(result.error ?? 'gate webhook not delivered', 'GateNotifyFailed');
    return { delivered: true };
  };
}

async function singleItems(deps: SendoutActivityDeps, sendoutId: string, deadline: Date) {
  const items: Array<{ id: string; rejectUri: string }> = [];
  for (let after = 0; ;) {
    const page = await deps.messages.contactsPage(sendoutId, after, SINGLE_ITEMS_PAGE);
    for (const item of page) items.push({ id: item.externalId, rejectUri: deps.gateUris.reject(sendoutId, item.messageId, deadline) });
    if (page.length < SINGLE_ITEMS_PAGE) return items;
    after = page[page.length - 1].messageId;
  }
}
