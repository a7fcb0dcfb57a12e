import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull, Not } from 'typeorm';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '@sendgate/crypto';
import { AccountEntity } from '../entities/account.entity';
import { ApiKeyEntity, KeyEmailDefaults } from '../entities/api-key.entity';
import { inTransaction } from '../sql';

/** What anyone may see of a key: never the key or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
  /** Which project and integration the email API sends through with this key (null: none set). */
  emailDefaults: KeyEmailDefaults | null;
}

/** A key just made: the only moment its full value exists outside the caller's hands. */
export interface NewApiKey extends ApiKeyView {
  key: string;
}

export type RevokeOutcome = 'REVOKED' | 'NOT_FOUND' | 'LAST_ACTIVE_KEY';

/** Accounts and their API keys; keys are stored as SHA-256 only. */
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The account of an active key. Read on every request (no cache), so a revocation holds at once
   * on every API process; key_hash is uniquely indexed, so this is one index lookup.
   */
  async findActive(key: string): Promise<{ accountId: string; apiKeyId: string } | undefined> {
    const row = await this.dataSource.getRepository(ApiKeyEntity).findOne({
      select: { id: true, accountId: true },
      where: { keyHash: hashApiKey(key), revokedAt: IsNull() },
    });
    return row ? { accountId: row.accountId, apiKeyId: row.id } : undefined;
  }

  /** Whether this key was ever registered, revoked or not (the bootstrap key is registered once). */
  async isRegistered(key: string): Promise<boolean> {
    return this.dataSource.getRepository(ApiKeyEntity).existsBy({ keyHash: hashApiKey(key) });
  }

  /** Whether any key exists at all, in any account. */
  async any(): Promise<boolean> {
    return (await this.dataSource.getRepository(ApiKeyEntity).count()) > 0;
  }

  /** A new account with its first key, in one transaction. */
  async createAccount(name: string): Promise<{ accountId: string; apiKey: NewApiKey }> {
    return inTransaction(this.dataSource, async (manager) => {
      const accountId = randomUUID();
      await manager.getRepository(AccountEntity).insert({ id: accountId, name });
      return { accountId, apiKey: await insertKey(manager, accountId, 'first key', generateApiKey()) };
    });
  }

  async create(accountId: string, name: string, key = generateApiKey()): Promise<NewApiKey> {
    return insertKey(this.dataSource.manager, accountId, name, key);
  }

  async list(accountId: string): Promise<ApiKeyView[]> {
    const rows = await this.dataSource.getRepository(ApiKeyEntity).find({ where: { accountId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toView);
  }

  /** Sets the key's email defaults; false when the account has no such key. */
  async setEmailDefaults(accountId: string, id: string, defaults: KeyEmailDefaults): Promise<boolean> {
    const result = await this.dataSource.getRepository(ApiKeyEntity).update({ id, accountId }, { emailDefaults: defaults });
    return (result.affected ?? 0) > 0;
  }

  /** The email defaults of an active key of the account (the email API's request path: one primary-key read). */
  async emailDefaults(accountId: string, id: string): Promise<KeyEmailDefaults | null> {
    const row = await this.dataSource.getRepository(ApiKeyEntity).findOne({ select: { emailDefaults: true }, where: { id, accountId } });
    return row?.emailDefaults ?? null;
  }

  /**
   * Revokes one of the account's keys, unless it is the last active one (the account would be
   * locked out). Revocations of one account are serialised by a row lock on the account, so two
   * concurrent calls cannot each revoke one of the last two keys. Revoking a revoked key is a no-op.
   */
  async revoke(accountId: string, id: string): Promise<RevokeOutcome> {
    return inTransaction(this.dataSource, async (manager) => {
      await manager.query('UPDATE accounts SET name = name WHERE id = ?', [accountId]);
      const keys = manager.getRepository(ApiKeyEntity);
      const key = await keys.findOneBy({ id, accountId });
      if (!key) return 'NOT_FOUND';
      if (key.revokedAt) return 'REVOKED';
      if (!(await keys.existsBy({ accountId, revokedAt: IsNull(), id: Not(id) }))) return 'LAST_ACTIVE_KEY';
      await keys.update({ id, accountId }, { revokedAt: new Date() });
      return 'REVOKED';
    });
  }
}

async function insertKey(manager: EntityManager, accountId: string, name: string, key: string): Promise<NewApiKey> {
  const keys = manager.getRepository(ApiKeyEntity);
  const id = randomUUID();
  await keys.insert({ id, accountId, name, keyHash: hashApiKey(key), keyPrefix: apiKeyPrefix(key) });
  return { ...toView(await keys.findOneByOrFail({ id })), key };
}

function toView(row: ApiKeyEntity): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.keyPrefix,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
    emailDefaults: row.emailDefaults ?? null,
  };
}
