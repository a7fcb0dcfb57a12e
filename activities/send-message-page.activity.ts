import { Context, log } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { ContentTemplate, MessageState, PayloadTemplate, UNSUBSCRIBE_URL } from '@sendgate/domain';
import { SendableMessage } from '@sendgate/database';
import { EspOutcome, isOutboundRefusal, readMessageId, requestHeaders, userIdentifier } from '@sendgate/esp';
import { RetryReason, metrics, secondsSince, statusClass, timedPageActivity } from '@sendgate/metrics';
import { forEachConcurrentPaged } from './concurrency';
import { yieldToEventLoop } from './event-loop';
import { whileBeating } from './heartbeat';
import { SendoutActivityDeps } from './deps';
import { EmailRequestContext, PagePreparations, sharedPreparations } from './page-preparation';
import { OutcomeRecorder } from './outcome-recorder';

/** Messages loaded at a time: attributes and gate data are up to 16 KB each per contact. */
const LOAD_SLICE = 250;
/** How many ids at the start of a range are claimed before the rest (see sendMessagePage). */
const HEAD_IDS = 50;

export interface SendPageResult {
  sent: number;
  failed: number;
}

/**
 * Sends one page (an id range) of a sendout. It claims the range's ACCEPTED messages
 * (ACCEPTED → SENDING), then sends every SENDING message of the range, so a retry of this same
 * activity resumes the messages its earlier attempt claimed, under the same idempotency keys.
 * Permanent ESP refusals, and URLs that now resolve to an address we may not connect to, become
 * FAILED; transient ones make the activity throw for Temporal to retry, after the outcomes so far
 * are recorded.
 */
export function sendMessagePageActivity(deps: SendoutActivityDeps, preparations: PagePreparations = sharedPreparations(deps)) {
  return timedPageActivity(
    'sendMessagePage',
    async function sendMessagePage(input: { sendoutId: string; range: [number, number]; concurrency: number }): Promise<SendPageResult> {
      // The head of the range is claimed on its own, while the sendout and its integration are
      // read: its first POSTs wait neither for those reads nor for the whole page's UPDATE, which
      // runs after it and is awaited before the next slice is loaded. The pages that join another
      // page's preparation (the rest of a window, started together) let that page's first POSTs
      // go first: on a busy worker their claims and loads would hold them up.
      const [fromId, toId] = input.range;
      const headTo = Math.min(toId, fromId + HEAD_IDS - 1);
      const shared = preparations.forPage(input.sendoutId);
      const claimHead = () => deps.messages.claimRange(input.sendoutId, [fromId, headTo]);
      const headClaimed = shared.joined ? shared.firstPosts.then(claimHead) : claimHead();
      headClaimed.catch(() => undefined); // awaited below, unless the sendout or its integration is gone
      const { sendout, integration, content, payload, email, unsubscribeUrl, staticHeaders, auth } = await shared.preparation;
      const tokenKey = `${integration.id}:${integration.authSecrets}`;
      const integrationLabel = { integration: integration.id };
      // Label sets resolved once per page: prom-client hashes the labels of every call otherwise.
      const counted = {
        sent: metrics.messages.labels({ outcome: 'sent', ...integrationLabel }),
        failed: metrics.messages.labels({ outcome: 'failed', ...integrationLabel }),
        retry: metrics.messages.labels({ outcome: 'retry', ...integrationLabel }),
      };
      const latencies = new Map<string, ReturnType<typeof metrics.espRequest.labels>>();
      const latency = (status?: number) => {
        const label = statusClass(status);
        let child = latencies.get(label);
        if (!child) latencies.set(label, (child = metrics.espRequest.labels({ ...integrationLabel, status_class: label })));
        return child;
      };
      const post = async (body: string, key: string, bearer?: string) => {
        if (integration.rateLimitPerSecond) await deps.limiter.acquire(integration.id, integration.rateLimitPerSecond);
        const posted = process.hrtime.bigint();
        const outcome = await deps.esp.post({
          url: integration.url,
          headers: { ...requestHeaders(staticHeaders, auth, bearer), 'idempotency-key': key },
          body,
        });
        const status = outcome.kind === 'refused' ? undefined : outcome.status;
        latency(status).observe(secondsSince(posted));
        return outcome;
      };

      await headClaimed;
      const restClaimed = headTo < toId ? deps.messages.claimRange(input.sendoutId, [headTo + 1, toId]) : Promise.resolve(0);
      restClaimed.catch(() => undefined); // its failure is seen where the next slice awaits it
      const cancelled = Context.current().cancellationSignal;
      let loadedUpTo = fromId - 1;
      let claimed = 0;
      let firstLoaded = false;
      let restAwaited = false;
      const awaitRest = async () => {
        await restClaimed;
        restAwaited = true;
      };
      const load = () => deps.messages.loadClaimed(input.sendoutId, input.range, loadedUpTo, LOAD_SLICE);
      const nextSlice = async () => {
        if (cancelled.aborted) return [];
        // Only the first slice is loaded before the rest is claimed; when it comes back empty (the
        // head held nothing to send), the rest is waited for, or the page would end there.
        if (firstLoaded && !restAwaited) await awaitRest();
        let slice = await load();
        firstLoaded = true;
        if (slice.length === 0 && !restAwaited) {
          await awaitRest();
          slice = await load();
        }
        if (slice.length > 0) loadedUpTo = slice[slice.length - 1].id;
        claimed += slice.length;
        return slice;
      };
      const recorder = new OutcomeRecorder(deps.messages, sendout.feedbackEnabled);
      const unsent: number[] = [];
      let retry: Extract<EspOutcome, { kind: 'retry' }> | undefined;
      let toRetry = 0;

      const sendAll = () =>
        forEachConcurrentPaged(nextSlice, input.concurrency, async (message) => {
          if (cancelled.aborted) return void unsent.push(message.id);
          let body: string;
          try {
            body = renderPayload(message, sendout, content, payload, integration.identifierType, email, unsubscribeUrl);
          } catch (error) {
            // A template at its render limit held the event loop that long: let the loop run
            // (the heartbeat timer, other pages) before this lane renders again.
            counted.failed.inc();
            await recorder.failed(message.id, `rendering failed: ${(error as Error).message}`);
            return yieldToEventLoop();
          }
          let outcome: EspOutcome;
          try {
            const bearer = auth.type === 'oauth2' ? await deps.tokens.get(tokenKey, auth) : undefined;
            shared.posting();
            outcome = await post(body, message.idempotencyKey, bearer);
            if (auth.type === 'oauth2' && outcome.kind === 'rejected' && outcome.status === 401) {
              // A revoked or expired token: refresh it once and try again; a second 401 is final.
              outcome = await post(body, message.idempotencyKey, await deps.tokens.refresh(tokenKey, auth, bearer!));
            }
          } catch (error) {
            // A token endpoint the guard will not connect to fails the message like the ESP's own address would.
            if (!isOutboundRefusal(error)) throw error;
            outcome = { kind: 'refused', reason: (error as Error).message };
          }
          switch (outcome.kind) {
            case 'sent':
              counted.sent.inc();
              return recorder.sent(
                message.id,
                integration.messageIdPath ? readMessageId(integration.messageIdPath, outcome.body) : undefined,
              );
            case 'rejected':
            case 'refused':
              counted.failed.inc();
              return recorder.failed(message.id, outcome.reason);
            case 'retry':
              counted.retry.inc();
              metrics.espRetries.inc({ ...integrationLabel, reason: retryReason(outcome) });
              toRetry += 1;
              if (!retry || (outcome.retryAfterMs ?? 0) > (retry.retryAfterMs ?? 0)) retry = outcome;
              return;
          }
        });
      try {
        await whileBeating(sendAll);
      } finally {
        shared.posting(); // nothing (more) to post: the pages waiting on this one go on
        // What was sent is recorded even when a lane failed unexpectedly.
        await recorder.flush();
      }
      // Settled before anything below reads or moves the range's SENDING messages (a cancel stopped the loading early).
      await restClaimed;
      if (cancelled.aborted && !Context.current().cancellationDetails?.cancelRequested) {
        // Not an operator's cancel: the worker is shutting down, or Temporal gave this attempt up
        // (heartbeat timed out). Stop posting and leave the claimed messages to the next attempt.
        throw ApplicationFailure.retryable(
          'the page stopped before it was sent: the worker is shutting down or this attempt timed out',
          'PageInterrupted',
        );
      }
      if (cancelled.aborted) {
        // Cancelled by an operator: what was not posted is never sent, loaded or not.
        const feedback = { feedback: sendout.feedbackEnabled };
        await deps.messages.markCanceled(unsent, 'the sendout was cancelled', feedback);
        if (loadedUpTo < input.range[1]) {
          await deps.messages.transition(
            input.sendoutId,
            [MessageState.SENDING],
            MessageState.CANCELED,
            'the sendout was cancelled',
            [loadedUpTo + 1, input.range[1]],
            feedback,
          );
        }
        throw new CancelledFailure('the sendout was cancelled');
      }

      if (retry) {
        // One line per page attempt, not per message: the reason, and how many messages wait for the next attempt.
        log.warn(`ESP asked for a retry: ${toRetry} of ${claimed} messages (${retryReason(retry)})`, {
          retryReason: retryReason(retry),
          status: retry.status,
          retryAfterMs: retry.retryAfterMs,
          toRetry,
          claimed,
        });
        throw ApplicationFailure.create({
          type: 'EspRetry',
          message: `${toRetry} of ${claimed} messages to retry: ${retry.reason}`,
          nextRetryDelay: retry.retryAfterMs,
        });
      }
      const counts = await deps.messages.countRange(input.sendoutId, input.range);
      const result = { sent: counts[MessageState.SENT] ?? 0, failed: counts[MessageState.FAILED] ?? 0 };
      log.debug(`page sent: ${result.sent} sent, ${result.failed} failed`, { range: input.range, ...result });
      return result;
    },
  );
}

/** The bounded reason label of a retry: 425 Too Early is a "come back later" like 429, 408 a timeout. */
export function retryReason(outcome: Extract<EspOutcome, { kind: 'retry' }>): RetryReason {
  const { status } = outcome;
  if (status === 429 || status === 425) return '429';
  if (status !== undefined && status >= 500) return '5xx';
  if (status === 408 || outcome.timedOut) return 'timeout';
  return 'network';
}

/** RFC 8058's List-Unsubscribe-Post value: the link takes a one-click POST. */
const ONE_CLICK = 'List-Unsubscribe=One-Click';

function renderPayload(
  message: SendableMessage,
  sendout: { id: string; name: string },
  content: ContentTemplate,
  payload: PayloadTemplate,
  identifierType: string,
  email: EmailRequestContext | undefined,
  unsubscribeLink: ((messageId: number) => string) | undefined,
): string {
  const contact = { ...message.attributes, externalId: message.externalId, email: message.email, phone: message.phone };
  const gate = message.gateData;
  const unsubscribeUrl = unsubscribeLink?.(message.id);
  // An email API recipient's placeholders over the request's defaults, as top-level variables ({{name}});
  // contact, gate and sendout win a clash, a placeholder named unsubscribe_url wins over the link
  // (a client with its own unsubscribe page keeps it).
  const placeholders = email ? { ...email.defaultPlaceholders, ...message.placeholders } : {};
  const rendered = content.render({
    ...(unsubscribeUrl !== undefined ? { [UNSUBSCRIBE_URL]: unsubscribeUrl } : {}),
    ...placeholders,
    contact,
    gate,
    sendout: { id: sendout.id, name: sendout.name },
  });
  return payload.renderJson({
    contact,
    gate,
    vars: {
      userIdentifier: userIdentifier(identifierType, message),
      email: message.email,
      phone: message.phone,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      sendoutId: sendout.id,
      messageId: String(message.id),
      idempotencyKey: message.idempotencyKey,
      contactId: String(message.contactId),
      externalId: message.externalId,
      listUnsubscribe: unsubscribeUrl !== undefined ? `<${unsubscribeUrl}>` : null,
      listUnsubscribePost: ONE_CLICK,
      ...email?.vars,
      ...(message.emailMessageId !== undefined ? { emailMessageId: message.emailMessageId } : {}),
    },
  });
}
