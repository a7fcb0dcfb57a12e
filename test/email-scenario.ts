/**
 * Requests to the email API as a client makes them: email defaults set over /v1 (a project naming an
 * email integration, the key naming the project), then multipart POST /email/3/send as `curl -F`
 * builds it. Shared by the email e2e files.
 */
import { randomUUID } from 'node:crypto';
import { TestStack } from './harness';
import { expectStatus } from './scenario';

/** One form field: a text value, or a file (`-F name=@file`). */
export type EmailPart = [name: string, value: string | { filename: string; type: string; bytes: Buffer }];

/** The id of an API key of the stack's account, found by its prefix. */
export async function apiKeyId(stack: TestStack, key: string): Promise<string> {
  const { keys } = await expectStatus(stack.request('GET', '/v1/api-keys'), 200);
  return keys.find((k: { prefix: string }) => key.startsWith(k.prefix)).id;
}

/**
 * Makes a project whose email defaults name `integrationId` (and the gate, when given) and points
 * the key (the stack's own by default) at it. Answers the project's id.
 */
export async function setEmailDefaults(
  stack: TestStack,
  options: { integrationId: string; gate?: { enabled: boolean; timeout?: string }; key?: string },
): Promise<string> {
  const project = await expectStatus(stack.request('POST', '/v1/projects', { name: `email ${randomUUID().slice(0, 8)}` }), 201);
  const defaults = { integrationId: options.integrationId, ...(options.gate ? { gate: options.gate } : {}) };
  await expectStatus(stack.request('PUT', `/v1/projects/${project.id}/email-defaults`, defaults), 200);
  const keyId = await apiKeyId(stack, options.key ?? stack.apiKey);
  await expectStatus(stack.request('PUT', `/v1/api-keys/${keyId}/email-defaults`, { projectId: project.id }), 200);
  return project.id;
}

/** POST /email/3/send with a multipart body as `curl -F name=value -F name=@file` sends it. */
export async function postEmail(stack: TestStack, parts: EmailPart[], authorization: string | null = `App ${stack.apiKey}`) {
  const form = new FormData();
  for (const [name, value] of parts) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, new Blob([value.bytes], { type: value.type }), value.filename);
  }
  const response = await fetch(`${stack.baseUrl}/email/3/send`, {
    method: 'POST',
    headers: authorization === null ? {} : { authorization },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as any, headers: response.headers };
}

/** The sendout a bulk of the stack's account runs as. */
export async function sendoutOfBulk(stack: TestStack, bulkId: string): Promise<string> {
  const rows = await stack.dataSource.query('SELECT sendout_id FROM email_bulks WHERE account_id = ? AND bulk_id = ?', [
    stack.accountId,
    bulkId,
  ]);
  if (rows.length === 0) throw new Error(`no bulk ${bulkId} in account ${stack.accountId}`);
  return rows[0].sendout_id;
}

export interface SentEmail {
  bulkId: string;
  sendoutId: string;
  /** The messageId of each recipient, by address. */
  messageId: Record<string, string>;
}

/**
 * Sends an email to `to` from `from` with the stack's key, expecting 200; the other fields are
 * given as they are (`subject`, `text`, `sendAt`, `notifyUrl`, …), then the files as `attachment`.
 */
export async function sendEmail(
  stack: TestStack,
  request: { from?: string; to: string[]; fields: Record<string, string>; attachments?: Array<Exclude<EmailPart[1], string>> },
  authorization?: string,
): Promise<SentEmail> {
  const parts: EmailPart[] = [
    ['from', request.from ?? 'sender@example.com'],
    ...request.to.map((address): EmailPart => ['to', address]),
    ...Object.entries(request.fields),
    ...(request.attachments ?? []).map((file): EmailPart => ['attachment', file]),
  ];
  const { status, body } = await postEmail(stack, parts, authorization);
  if (status !== 200) throw new Error(`expected HTTP 200 from POST /email/3/send, got ${status}: ${JSON.stringify(body)}`);
  return {
    bulkId: body.bulkId,
    sendoutId: await sendoutOfBulk(stack, body.bulkId),
    messageId: Object.fromEntries(body.messages.map((m: { to: string; messageId: string }) => [m.to, m.messageId])),
  };
}
