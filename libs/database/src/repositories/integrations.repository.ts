import { EspIntegrationEntity } from '../entities/esp-integration.entity';
import { Sql } from '../sql';

/** Changes an integration may take: its stored form, secrets already sealed by the caller. */
export type IntegrationChanges = Partial<Omit<EspIntegrationEntity, 'id' | 'accountId' | 'createdAt' | 'updatedAt'>>;

/** ESP integrations as stored: header values and credentials arrive and leave sealed. */
export class IntegrationsRepository {
  constructor(private readonly sql: Sql) {}

  private get rows() {
    return this.sql.dataSource.getRepository(EspIntegrationEntity);
  }

  async insert(integration: Partial<EspIntegrationEntity>): Promise<void> {
    await this.rows.insert(integration);
  }

  async find(accountId: string, id: string): Promise<EspIntegrationEntity | undefined> {
    return (await this.rows.findOneBy({ id, accountId })) ?? undefined;
  }

  /** Any account's integration, for the workflow's activities. */
  async findById(id: string): Promise<EspIntegrationEntity | undefined> {
    return (await this.rows.findOneBy({ id })) ?? undefined;
  }

  async update(accountId: string, id: string, changes: IntegrationChanges): Promise<void> {
    await this.rows.update({ id, accountId }, changes);
  }

  /** Bumps the callback token version: every callback URL handed out before stops working. */
  async rotateCallbackToken(accountId: string, id: string): Promise<void> {
    await this.sql.run('UPDATE esp_integrations SET callback_token_version = callback_token_version + 1 WHERE id = ? AND account_id = ?', [
      id,
      accountId,
    ]);
  }

  async delete(accountId: string, id: string): Promise<void> {
    await this.rows.delete({ id, accountId });
  }
}
