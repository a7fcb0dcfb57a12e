import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { apiKeyPrefix } from '@sendgate/crypto';
import { AccountsRepository, ApiKeysRepository } from '@sendgate/database';

/**
 * First start: creates the first account and its API key, from SENDGATE_BOOTSTRAP_API_KEY when
 * set (idempotent across restarts; `make start` keeps it in data/bootstrap-api-key), else
 * generated. A generated key is logged once, in full, because there is no other way to learn it;
 * no other log line ever carries more than a key's prefix.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly apiKeys: ApiKeysRepository,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const given = this.config.api.bootstrapApiKey;
    if (given && (await this.apiKeys.isRegistered(given))) return;
    if (!given && (await this.apiKeys.any())) return;

    const account = (await this.accounts.first()) ?? (await this.accounts.create('default'));
    const created = await this.apiKeys.create(account.id, 'bootstrap', given);
    if (given) this.logger.log(`bootstrap API key ${apiKeyPrefix(given)}… registered for account ${account.id}`);
    else this.logger.warn(`created account ${account.id} with API key ${created.key} (shown once: keep it)`);
  }
}
