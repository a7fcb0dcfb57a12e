import { describeOnEachDatabase } from '../../../../test/test-databases';
import { ApiKeysRepository } from './api-keys.repository';

describeOnEachDatabase((db) => {
  let sut: ApiKeysRepository;
  beforeAll(() => {
    sut = new ApiKeysRepository(db.dataSource);
  });

  describe('when an account is created', () => {
    it('answers its first key once, stores only its hash, and finds the account by it', async () => {
      const { accountId, apiKey } = await sut.createAccount('Acme');

      expect(await sut.findActive(apiKey.key)).toEqual({ accountId, apiKeyId: apiKey.id });
      const stored = await db.sql.one<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = ?', [apiKey.id]);
      expect(stored?.key_hash).not.toContain(apiKey.key);
      expect(await sut.list(accountId)).toEqual([
        { id: apiKey.id, name: 'first key', prefix: apiKey.prefix, createdAt: apiKey.createdAt, revokedAt: null, emailDefaults: null },
      ]);
    });
  });

  describe('when a key is revoked', () => {
    it('stops finding it at once, and a second revoke changes nothing', async () => {
      const { accountId, apiKey: first } = await sut.createAccount('Acme');
      const second = await sut.create(accountId, 'second');

      expect(await sut.revoke(accountId, first.id)).toBe('REVOKED');
      expect(await sut.revoke(accountId, first.id)).toBe('REVOKED');

      expect(await sut.findActive(first.key)).toBeUndefined();
      expect(await sut.findActive(second.key)).toEqual({ accountId, apiKeyId: second.id });
      // Keys made within the same timestamp list in id order, so compare by name.
      const listed = (await sut.list(accountId)).map((k) => [k.name, k.revokedAt instanceof Date]).sort();
      expect(listed).toEqual([
        ['first key', true],
        ['second', false],
      ]);
    });

    it('keeps the last active key', async () => {
      const { accountId, apiKey } = await sut.createAccount('Acme');

      expect(await sut.revoke(accountId, apiKey.id)).toBe('LAST_ACTIVE_KEY');
      expect(await sut.findActive(apiKey.key)).toBeDefined();
    });

    it('does not find another account key', async () => {
      const { apiKey } = await sut.createAccount('Acme');
      const { accountId: otherAccountId } = await sut.createAccount('Other');

      expect(await sut.revoke(otherAccountId, apiKey.id)).toBe('NOT_FOUND');
      expect(await sut.findActive(apiKey.key)).toBeDefined();
    });
  });

  describe('when the last two keys are revoked at the same time', () => {
    // On SQLite, whose one connection cannot hold two transactions at once, they take turns.
    it('revokes one and keeps the other', async () => {
      const { accountId, apiKey: first } = await sut.createAccount('Acme');
      const second = await sut.create(accountId, 'second');

      const outcomes = await Promise.all([sut.revoke(accountId, first.id), sut.revoke(accountId, second.id)]);

      expect(outcomes.sort()).toEqual(['LAST_ACTIVE_KEY', 'REVOKED']);
      expect((await sut.list(accountId)).filter((k) => k.revokedAt === null)).toHaveLength(1);
    });
  });
});
