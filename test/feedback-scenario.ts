/** Feedback webhooks as tests set them up: created over the API, as an account would. */
import { FeedbackReceiver } from './feedback-receiver';
import { TestStack } from './harness';
import { expectStatus } from './scenario';

/** A JWT (HS256) feedback webhook of the stack's account for `channels` (email), to `receiver`; answers its id. */
export async function createFeedbackWebhook(stack: TestStack, receiver: FeedbackReceiver, channels = ['email']): Promise<string> {
  const webhook = await expectStatus(
    stack.request('POST', '/v1/feedback-webhooks', {
      name: 'loopback receiver',
      channels,
      url: receiver.url,
      auth: { type: 'jwt', algorithm: 'HS256', secret: receiver.secret },
      headers: [],
    }),
    201,
  );
  return webhook.id as string;
}
