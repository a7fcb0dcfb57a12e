/**
 * `npm run rotate-secrets`: after adding a new key to SENDGATE_ENCRYPTION_KEYS and making it
 * SENDGATE_ENCRYPTION_KEY_ID, re-seals every stored secret under it. Old keys can be removed once
 * this has run. Prints counts only, never a secret.
 */
import { loadConfig } from '@sendgate/config';
import { SecretBox } from '@sendgate/crypto';
import { openDataSource } from '../data-source';
import { rotateSecrets } from '../repositories/secret-rotation';
import { Sql } from '../sql';

async function main(): Promise<void> {
  const { database, security } = loadConfig();
  if (!security.activeEncryptionKeyId) throw new Error('SENDGATE_ENCRYPTION_KEYS is not set');
  const box = new SecretBox(security.encryptionKeys, security.activeEncryptionKeyId);
  const dataSource = await openDataSource(database);
  try {
    const rotated = await rotateSecrets(new Sql(dataSource), box);
    console.log(
      `re-sealed under key "${security.activeEncryptionKeyId}": ` +
        `${rotated.endpoints} gate endpoint(s), ${rotated.integrations} integration(s), ${rotated.feedbackWebhooks} feedback webhook(s)`,
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
