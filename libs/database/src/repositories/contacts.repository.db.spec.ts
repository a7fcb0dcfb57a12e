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

  describe('when contacts come with addresses spelled loosely', () => {
    it('stores emails trimmed and lower-cased, phones in E.164 with their +, and a blank address as none', async () => {
      const accountId = await db.account();
      await sut.upsertMany(accountId, [
        { externalId: 'c-1', email: '  Ada@Example.COM ', phone: '447700900123' },
        { externalId: 'c-2', email: '   ', phone: ' +447700900124 ' },
        { externalId: 'c-3', email: '', phone: '' },
      ]);
      await sut.ensure(accountId, [{ externalId: 'grace@example.com', email: ' Grace@Example.com' }]);

      const rows = await db.sql.all<{ external_id: string; email: string | null; phone: string | null }>(
        'SELECT external_id, email, phone FROM contacts WHERE account_id = ? ORDER BY external_id',
        [accountId],
      );
      expect(rows.map((r) => [r.external_id, r.email, r.phone])).toEqual([
        ['c-1', 'ada@example.com', '+447700900123'],
        ['c-2', null, '+447700900124'],
        ['c-3', null, null],
        ['grace@example.com', 'grace@example.com', null],
      ]);
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
