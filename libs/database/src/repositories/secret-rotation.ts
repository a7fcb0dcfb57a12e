/**
 * Re-seals every stored secret under the active encryption key: gate endpoint secrets, integration
 * credentials, feedback webhook JWT keys and secret header values. Rows already under the active key are left alone, so the
 * command can be re-run at any time (and resumes after an interruption).
 */
import type { SecretBox } from '@sendgate/crypto';
import { EspIntegrationEntity, FeedbackWebhookEntity, SendGateEndpointEntity, StoredHeader } from '../entities';
import { Sql } from '../sql';

const PAGE = 200;

export interface RotatedSecrets {
  endpoints: number;
  integrations: number;
  feedbackWebhooks: number;
}

export async function rotateSecrets(sql: Sql, box: SecretBox): Promise<RotatedSecrets> {
  const endpoints = sql.dataSource.getRepository(SendGateEndpointEntity);
  const integrations = sql.dataSource.getRepository(EspIntegrationEntity);
  let rotatedEndpoints = 0;
  let rotatedIntegrations = 0;
  const reseal = (sealed: string) => box.seal(box.open(sealed));

  for (let after = ''; ;) {
    const page = await endpoints
      .createQueryBuilder('e')
      .where('e.account_id > :after', { after })
      .orderBy('e.account_id')
      .limit(PAGE)
      .getMany();
    for (const row of page) {
      if (row.secrets && box.needsRotation(row.secrets)) {
        await endpoints.update({ accountId: row.accountId, secrets: row.secrets }, { secrets: reseal(row.secrets) });
        rotatedEndpoints += 1;
      }
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1].accountId;
  }

  for (let after = ''; ;) {
    const page = await integrations.createQueryBuilder('i').where('i.id > :after', { after }).orderBy('i.id').limit(PAGE).getMany();
    for (const row of page) {
      const stale =
        (row.authSecrets !== null && box.needsRotation(row.authSecrets)) ||
        (row.headers ?? []).some((h) => h.secret && box.needsRotation(h.value));
      if (!stale) continue;
      await integrations.update(
        { id: row.id },
        {
          authSecrets: row.authSecrets && box.needsRotation(row.authSecrets) ? reseal(row.authSecrets) : row.authSecrets,
          headers: (row.headers ?? []).map((h): StoredHeader =>
            h.secret && box.needsRotation(h.value) ? { ...h, value: reseal(h.value) } : h,
          ),
        },
      );
      rotatedIntegrations += 1;
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1].id;
  }
  return { endpoints: rotatedEndpoints, integrations: rotatedIntegrations, feedbackWebhooks: await rotateFeedbackWebhooks(sql, box) };
}

/** Deleted webhooks too: their rows keep the sealed values. */
async function rotateFeedbackWebhooks(sql: Sql, box: SecretBox): Promise<number> {
  const webhooks = sql.dataSource.getRepository(FeedbackWebhookEntity);
  const reseal = (sealed: string) => box.seal(box.open(sealed));
  let rotated = 0;
  for (let after = ''; ;) {
    const page = await webhooks.createQueryBuilder('w').where('w.id > :after', { after }).orderBy('w.id').limit(PAGE).getMany();
    for (const row of page) {
      const staleKey = row.authSecret !== null && box.needsRotation(row.authSecret);
      const staleHeader = (row.headers ?? []).some((h) => h.secret && box.needsRotation(h.value));
      if (!staleKey && !staleHeader) continue;
      await webhooks.update(
        { id: row.id },
        {
          authSecret: staleKey ? reseal(row.authSecret!) : row.authSecret,
          headers: (row.headers ?? []).map((h) => (h.secret && box.needsRotation(h.value) ? { ...h, value: reseal(h.value) } : h)),
        },
      );
      rotated += 1;
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1].id;
  }
  return rotated;
}
