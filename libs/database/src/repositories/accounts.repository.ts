import { randomUUID } from 'node:crypto';
import { AccountEntity } from '../entities/account.entity';
import { Sql } from '../sql';

/** Accounts; an account with its first API key is made by the API keys repository, in one transaction. */
export class AccountsRepository {
  constructor(private readonly sql: Sql) {}

  private get rows() {
    return this.sql.dataSource.getRepository(AccountEntity);
  }

  /** The account made first, if any. */
  async first(): Promise<AccountEntity | undefined> {
    return (await this.rows.find({ order: { createdAt: 'ASC' }, take: 1 }))[0];
  }

  async create(name: string): Promise<AccountEntity> {
    return this.rows.save({ id: randomUUID(), name });
  }
}
