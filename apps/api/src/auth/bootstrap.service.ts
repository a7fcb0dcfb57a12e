import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { AccountEntity, ApiKeyEntity } from '@sendgate/database';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key';

/**
 * First start: creates the first account and its API key, from SENDGATE_BOOTSTRAP_API_KEY when
 * set (idempotent across restarts), else generated and printed once.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(private readonly dataSource: DataSource, @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const keys = this.dataSource.getRepository(ApiKeyEntity);
    const given = this.config.api.bootstrapApiKey;
    if (given && (await keys.existsBy({ keyHash: hashApiKey(given) }))) return;
    if (!given && (await keys.count()) > 0) return;

    const accounts = this.dataSource.getRepository(AccountEntity);
    const account = (await accounts.find({ order: { createdAt: 'ASC' }, take: 1 }))[0]
      ?? (await accounts.save({ id: randomUUID(), name: 'default' }));
    const key = given ?? generateApiKey();
    await keys.insert({ id: randomUUID(), accountId: account.id, keyHash: hashApiKey(key), keyPrefix: apiKeyPrefix(key), name: 'bootstrap' });
    if (given) this.logger.log(`bootstrap API key ${apiKeyPrefix(key)}… registered for account ${account.id}`);
    else this.logger.warn(`created account ${account.id} with API key ${key} (shown once: keep it)`);
  }
}
