/** Feedback webhooks as tests set them up: stored straight through the repository, the secret sealed. */
import { randomUUID } from 'node:crypto';
import { SecretBox } from '../libs/crypto/src/secret-box';
import { FeedbackWebhooksRepository } from '../libs/database/src/repositories/feedback-webhooks.repository';
import { Sql } from '../libs/database/src/sql';
import { FeedbackReceiver } from './feedback-receiver';
import { TestStack } from './harness';

/** A JWT (HS256) feedback webhook of the stack's account for email, to `receiver`; answers its id. */
export async function insertFeedbackWebhook(stack: TestStack, receiver: FeedbackReceiver): Promise<string> {
  const box = new SecretBox(stack.config.security.encryptionKeys, stack.config.security.activeEncryptionKeyId!);
  const id = randomUUID();
  await new FeedbackWebhooksRepository(new Sql(stack.dataSource)).insert({
    id,
    accountId: stack.accountId,
    name: 'loopback receiver',
    channels: 'email',
    url: receiver.url,
    authType: 'jwt',
    authSettings: { algorithm: 'HS256' },
    authSecret: box.seal(receiver.secret),
    headers: [],
    deletedAt: null,
  });
  return id;
}
