import { describeOnEachDatabase } from '../../../../test/test-databases';
import { ContactsRepository } from './contacts.repository';

describeOnEachDatabase((db) => {
  let sut: ContactsRepository;
  beforeAll(() => {
    sut = new ContactsRepository(db.sql);
  });

  const contacts = async (accountId: string) =>
    db.sql.all<{ external_id: string; email: string | null; attributes: string | null }>(
      'SELECT external_id, email, attributes FROM contacts WHERE account_id = ? ORDER BY external_id',
      [accountId],
    );

  describe('when a contact is upserted again by external id', () => {
    it('updates it in place, in its own account only', async () => {
      const accountId = await db.account();
      const otherAccountId = await db.account();
      await sut.upsertMany(accountId, [{ externalId: 'c-1', email: 'old@example.com', attributes: { tier: 'silver' } }]);
      await sut.upsertMany(otherAccountId, [{ externalId: 'c-1', email: 'other@example.com' }]);

      await sut.upsertMany(accountId, [
        { externalId: 'c-1', email: 'new@example.com', attributes: { tier: 'gold' } },
        { externalId: 'c-2' },
      ]);

      expect((await contacts(accountId)).map((c) => [c.external_id, c.email, c.attributes && JSON.parse(c.attributes)])).toEqual([
        ['c-1', 'new@example.com', { tier: 'gold' }],
        ['c-2', null, null],
      ]);
      expect((await contacts(otherAccountId)).map((c) => c.email)).toEqual(['other@example.com']);
    });
  });

  describe('when more contacts come than one statement takes', () => {
    it('writes every one of them', async () => {
      const accountId = await db.account();
      const batch = Array.from({ length: 1_201 }, (_, i) => ({ externalId: `c-${i}`, attributes: { n: i } }));

      await sut.upsertMany(accountId, batch);

      expect(await sut.countSegment(accountId, { all: [{ attribute: 'n', op: 'exists' }] })).toBe(1_201);
    });
  });

  describe('when a segment is counted', () => {
    it('counts the account contacts its filter matches', async () => {
      const accountId = await db.accountWithContacts(6, (i) => ({ tier: i <= 2 ? 'gold' : 'silver', score: i * 10 }));
      await db.accountWithContacts(4, () => ({ tier: 'gold', score: 100 }));

      expect(await sut.countSegment(accountId, { all: [{ attribute: 'tier', op: 'eq', value: 'gold' }] })).toBe(2);
      expect(
        await sut.countSegment(accountId, {
          any: [
            { attribute: 'tier', op: 'eq', value: 'gold' },
            { attribute: 'score', op: 'gt', value: 45 },
          ],
        }),
      ).toBe(4);
    });
  });
});
