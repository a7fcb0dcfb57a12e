import { SendGateEndpointEntity } from '../entities/send-gate-endpoint.entity';
import { Sql } from '../sql';

/** The account's one gate endpoint: settings in clear, secrets as one sealed blob. */
export class GateEndpointsRepository {
  constructor(private readonly sql: Sql) {}

  private get rows() {
    return this.sql.dataSource.getRepository(SendGateEndpointEntity);
  }

  async find(accountId: string): Promise<SendGateEndpointEntity | undefined> {
    return (await this.rows.findOneBy({ accountId })) ?? undefined;
  }

  /** Creates or replaces the account's endpoint. */
  async put(accountId: string, endpoint: Pick<SendGateEndpointEntity, 'transport' | 'settings' | 'secrets'>): Promise<void> {
    await this.rows.upsert({ accountId, ...endpoint }, ['accountId']);
  }
}
