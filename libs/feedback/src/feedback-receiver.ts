import type { SecretBox } from '@sendgate/crypto';
import type { FeedbackWebhookEntity } from '@sendgate/database';
import type { FeedbackReceiver } from './feedback-sender';

/** A stored webhook with its sealed secrets opened, for the sender. */
export function openReceiver(webhook: FeedbackWebhookEntity, box: SecretBox): FeedbackReceiver {
  const headers = (webhook.headers ?? []).map((h) => ({ key: h.key, value: h.secret ? box.open(h.value) : h.value }));
  if (webhook.authType !== 'jwt' || !webhook.authSettings || !webhook.authSecret)
    return { id: webhook.id, url: webhook.url, auth: { type: 'none' }, headers };
  return { id: webhook.id, url: webhook.url, auth: { type: 'jwt', ...webhook.authSettings, key: box.open(webhook.authSecret) }, headers };
}
