/**
 * What a send page needs before its first POST, read and compiled once for the pages of a sendout
 * that start together (see sharedPreparations): the sendout and integration rows, the templates,
 * the integration's secrets (opened in memory, never in workflow history or logs), an email API
 * request's envelope and files, and the unsubscribe link maker.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ContentTemplate, ContentTemplateError, MessageContent, PayloadTemplate, PayloadVariable, UNSUBSCRIBE_URL } from '@sendgate/domain';
import { UnsubscribeLinks } from '@sendgate/crypto';
import { EmailSendsRepository } from '@sendgate/database';
import { openAuth, openHeaders } from '@sendgate/esp';
import { SendoutActivityDeps } from './deps';

/** Content stored before a rule existed (e.g. a file tag) can never render: no retry will help. */
function compileContent(content: MessageContent): ContentTemplate {
  try {
    return ContentTemplate.compile(content);
  } catch (error) {
    if (error instanceof ContentTemplateError) throw ApplicationFailure.nonRetryable(error.message, 'ContentRefused');
    throw error;
  }
}

/**
 * How long one page's preparation serves the other pages of its sendout that start meanwhile: a
 * window's pages start together, and each reading and compiling the same rows would hold up the
 * first POSTs. An edit of the integration reaches the pages that start after it.
 */
const PREPARATION_SHARED_MS = 1_000;

/** The sendout and integration rows of a page, its templates compiled and its secrets opened (in memory only). */
async function prepare(deps: SendoutActivityDeps, sendoutId: string) {
  // an email API request's bulk is read beside the sendout (its files only once the payload says it uses them)
  const bulk = deps.emailSends.findBulk(sendoutId);
  bulk.catch(() => undefined); // awaited below, unless the sendout or its integration is gone
  const sendout = await deps.sendouts.findById(sendoutId);
  if (!sendout) throw ApplicationFailure.nonRetryable(`sendout ${sendoutId} does not exist`, 'SendoutNotFound');
  const integration = await deps.integrations.findById(sendout.integrationId);
  if (!integration) throw ApplicationFailure.nonRetryable(`integration ${sendout.integrationId} no longer exists`, 'IntegrationNotFound');
  const content = compileContent(sendout.content);
  const payload = PayloadTemplate.compile(integration.payloadTemplate);
  return {
    sendout,
    integration,
    content,
    payload,
    email: await loadEmailRequest(deps.emailSends, await bulk, payload.uses('attachments')),
    unsubscribeUrl: unsubscribeLinkOf(deps.unsubscribeLinks, sendout.accountId, content, payload),
    // never in workflow history or logs
    staticHeaders: openHeaders(integration.headers, deps.secrets),
    auth: openAuth(integration.authType, integration.authSettings, integration.authSecrets, deps.secrets),
  };
}

/** How long a page that joined another's preparation waits at most for that page's first POSTs. */
const FIRST_POSTS_HEAD_START_MS = 25;

export type PagePreparations = ReturnType<typeof sharedPreparations>;

/**
 * Preparations by sendout, each shared for PREPARATION_SHARED_MS from its start, or a warmed one
 * from its first page (a failed one is not kept). `forPage` gives a page the preparation, whether it joined one another page started,
 * and a promise of that page's first POSTs (or FIRST_POSTS_HEAD_START_MS, whichever comes first).
 * `warm` starts one before any page asks (the gate's close, just before this worker takes the
 * first pages it planned): the first page to come is then its owner, as if it had started it.
 */
export function sharedPreparations(deps: SendoutActivityDeps) {
  type Entry = {
    preparation: ReturnType<typeof prepare>;
    owned: boolean;
    posted: Promise<void>;
    posting: () => void;
    /** (Re)starts the time it is shared for. */
    keep: () => void;
  };
  const started = new Map<string, Entry>();
  const start = (sendoutId: string, owned: boolean): Entry => {
    let posting = () => undefined as void;
    let timer: NodeJS.Timeout | undefined;
    // dropped when its time is up (an email request's files are not held by an idle worker), or at once when it failed
    const forget = () => started.get(sendoutId) === entry && started.delete(sendoutId);
    const entry: Entry = {
      preparation: prepare(deps, sendoutId),
      owned,
      posted: new Promise<void>((resolve) => (posting = resolve)),
      posting: () => posting(),
      keep: () => {
        clearTimeout(timer);
        timer = setTimeout(forget, PREPARATION_SHARED_MS).unref();
      },
    };
    entry.keep();
    entry.preparation.catch(forget);
    started.set(sendoutId, entry);
    return entry;
  };
  return {
    forPage(sendoutId: string) {
      const found = started.get(sendoutId);
      if (found?.owned) {
        const headStart = new Promise<void>((resolve) => setTimeout(resolve, FIRST_POSTS_HEAD_START_MS).unref());
        return {
          preparation: found.preparation,
          joined: true,
          firstPosts: Promise.race([found.posted, headStart]),
          posting: () => undefined,
        };
      }
      const entry = found ?? start(sendoutId, true);
      // a warmed one is shared from its first page on, however long the gate's close took
      if (!entry.owned) entry.keep();
      entry.owned = true;
      return { preparation: entry.preparation, joined: false, firstPosts: entry.posted, posting: entry.posting };
    },
    warm(sendoutId: string): void {
      if (!started.has(sendoutId)) start(sendoutId, false);
    },
  };
}

/** What a sendout of the email API adds to every message: read once per page, never in workflow history. */
export interface EmailRequestContext {
  vars: Partial<Record<PayloadVariable, unknown>>;
  defaultPlaceholders: Record<string, unknown>;
}

/** Undefined for a sendout not made by the email API; files are read only when the template uses them. */
async function loadEmailRequest(
  sends: EmailSendsRepository,
  bulk: Awaited<ReturnType<EmailSendsRepository['findBulk']>>,
  withFiles: boolean,
): Promise<EmailRequestContext | undefined> {
  if (!bulk) return undefined;
  const files = withFiles ? await sends.files(bulk.sendoutId) : [];
  const { envelope } = bulk;
  return {
    vars: {
      from: envelope.from,
      replyTo: envelope.replyTo ?? null,
      cc: envelope.cc ?? [],
      bcc: envelope.bcc ?? [],
      headers: envelope.headers ?? {},
      bulkId: bulk.bulkId,
      attachments: files.map((f) => ({
        name: f.filename,
        contentType: f.contentType,
        disposition: f.disposition,
        content: f.content.toString('base64'),
      })),
    },
    defaultPlaceholders: envelope.defaultPlaceholders ?? {},
  };
}

/**
 * The unsubscribe link of a message, made only when the content mentions `unsubscribe_url` or the
 * payload reads `${listUnsubscribe}`: signing costs an HMAC per message, which most sendouts
 * need not pay on the send path.
 */
function unsubscribeLinkOf(
  links: UnsubscribeLinks,
  accountId: string,
  content: ContentTemplate,
  payload: PayloadTemplate,
): ((messageId: number) => string) | undefined {
  if (!content.mentions(UNSUBSCRIBE_URL) && !payload.uses('listUnsubscribe')) return undefined;
  return (messageId) => links.url(accountId, messageId);
}
