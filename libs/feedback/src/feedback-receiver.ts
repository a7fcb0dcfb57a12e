import type { SecretBox } from '@sendgate/crypto';
import type { FeedbackWebhookEntity } from '@sendgate/database';
import type { FeedbackReceiver } from './feedback-sender';

/** A stored webhook with its sealed secrets opened, for the sender. */
export function openReceiver(webhook: FeedbackWebhookEntity, box: SecretBox): FeedbackReceiver {
  const headers = (webhook.headers ?? []).map((h) => ({ key: h.key, value: h.secret ? box.open(h.value) : h.value }));
  const { id, url } = webhook;
  const maxEventsPerRequest = Math.max(1, webhook.maxEventsPerRequest ?? 1);
  if (webhook.authType !== 'jwt' || !webhook.authSettings || !webhook.authSecret)
    return { id, url, auth: { type: 'none' }, headers, maxEventsPerRequest };
  return { id, url, auth: { type: 'jwt', ...webhook.authSettings, key: box.open(webhook.authSecret) }, headers, maxEventsPerRequest };
}
