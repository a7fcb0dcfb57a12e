/**
 * The contacts and segments services over their real repositories, on SQLite in memory and on
 * MariaDB: what an account uploads is what its segments count, and never another account's.
 */
import { randomUUID } from 'node:crypto';
import { ContactsRepository, SegmentsRepository } from '@sendgate/database';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { ContactsService } from '../contacts/contacts.service';
import { SegmentsService } from './segments.service';

describeOnEachDatabase((db) => {
  let contacts: ContactsService;
  let sut: SegmentsService;
  beforeAll(() => {
    const repository = new ContactsRepository(db.sql);
    contacts = new ContactsService(repository);
    sut = new SegmentsService(new SegmentsRepository(db.sql), repository);
  });

  const gold = { all: [{ attribute: 'tier', op: 'eq' as const, value: 'gold' }] };

  describe('when two accounts upload contacts with the same external ids', () => {
    it("counts each account's own contacts, updated in place by a second upload", async () => {
      const [mine, theirs] = [await db.account(), await db.account()];
      await contacts.upsert(mine, [
        { externalId: 'a', email: 'a@example.com', attributes: { tier: 'gold' } },
        { externalId: 'b', email: 'b@example.com', attributes: { tier: 'silver' } },
      ]);
      await contacts.upsert(theirs, [{ externalId: 'a', email: 'x@example.com', attributes: { tier: 'gold' } }]);
      await contacts.upsert(mine, [{ externalId: 'b', email: 'b@example.com', attributes: { tier: 'gold' } }]);

      const segment = await sut.create(mine, 'gold', gold);
      expect(await sut.count(mine, segment.id)).toEqual({ id: segment.id, count: 2 });
      expect((await contacts.get(theirs, 'a')).email).toBe('x@example.com');
    });
  });

  describe("when an account asks for another account's segment", () => {
    it('answers 404, as for a segment that does not exist', async () => {
      const [mine, theirs] = [await db.account(), await db.account()];
      const segment = await sut.create(mine, 'gold', gold);
      await expect(sut.count(theirs, segment.id)).rejects.toMatchObject({ status: 404 });
      await expect(sut.get(mine, randomUUID())).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('when a filter names a built-in object property', () => {
    it('refuses it with a 400 naming the field, before anything is stored', async () => {
      const account = await db.account();
      const bad = { all: [{ attribute: 'constructor', op: 'exists' as const }] };
      await expect(sut.create(account, 'bad', bad)).rejects.toMatchObject({ status: 400 });
    });
  });
});
