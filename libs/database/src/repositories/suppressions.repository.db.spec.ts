import { Channel } from '@sendgate/domain';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { NewSuppression, SuppressionsRepository } from './suppressions.repository';

const email = (address: string, reason: NewSuppression['reason'] = 'manual', source: string | null = null): NewSuppression => ({
  channel: Channel.EMAIL,
  address,
  reason,
  source,
});
const sms = (address: string, reason: NewSuppression['reason'] = 'manual'): NewSuppression => ({
  channel: Channel.SMS,
  address,
  reason,
  source: null,
});

describeOnEachDatabase((db) => {
  let sut: SuppressionsRepository;
  beforeAll(() => {
    sut = new SuppressionsRepository(db.sql);
  });

  describe('adding', () => {
    it('stores the new entries and answers how many were new', async () => {
      const account = await db.account();

      expect(await sut.add(account, [email('ada@example.com', 'hard_bounce', 'message 7'), sms('+441234567890', 'complaint')])).toBe(2);

      expect(await sut.find(account, Channel.EMAIL, 'ada@example.com')).toEqual({
        id: expect.any(Number),
        channel: 'email',
        address: 'ada@example.com',
        reason: 'hard_bounce',
        source: 'message 7',
        createdAt: expect.any(Date),
      });
      expect(await sut.find(account, Channel.SMS, '+441234567890')).toMatchObject({ reason: 'complaint', source: null });
    });

    it('keeps the first entry of an address, whether it repeats in a later call or in the same one', async () => {
      const account = await db.account();
      await sut.add(account, [email('ada@example.com', 'unsubscribed', 'link')]);

      const added = await sut.add(account, [
        email('ada@example.com', 'complaint', 'later'),
        email('grace@example.com', 'manual', 'first'),
        email('grace@example.com', 'hard_bounce', 'second'),
      ]);

      expect(added).toBe(1);
      expect(await sut.find(account, Channel.EMAIL, 'ada@example.com')).toMatchObject({ reason: 'unsubscribed', source: 'link' });
      expect(await sut.find(account, Channel.EMAIL, 'grace@example.com')).toMatchObject({ reason: 'manual', source: 'first' });
    });

    it('adds more entries than one INSERT slice holds', async () => {
      const account = await db.account();
      const entries = Array.from({ length: 2_500 }, (_, i) => email(`user-${i}@example.com`));

      expect(await sut.add(account, entries)).toBe(2_500);
      expect(await sut.add(account, entries)).toBe(0);
      expect(await sut.list(account, { afterId: 0, limit: 3_000 })).toHaveLength(2_500);
    });

    it('keeps the channels apart: the same text on email and sms is two entries', async () => {
      const account = await db.account();
      expect(await sut.add(account, [email('+441234567890'), sms('+441234567890')])).toBe(2);
      expect(await sut.find(account, Channel.SMS, 'ada@example.com')).toBeUndefined();
    });
  });

  describe('listing', () => {
    it('pages through the entries oldest first by id, with the channel and reason filters', async () => {
      const account = await db.account();
      await sut.add(account, [
        email('a@example.com', 'manual'),
        sms('+441234567801', 'manual'),
        email('b@example.com', 'hard_bounce'),
        email('c@example.com', 'manual'),
        email('d@example.com', 'manual'),
        sms('+441234567802', 'complaint'),
      ]);

      const first = await sut.list(account, { afterId: 0, limit: 2 });
      const second = await sut.list(account, { afterId: first[1].id, limit: 2 });
      const third = await sut.list(account, { afterId: second[1].id, limit: 2 });
      const rest = await sut.list(account, { afterId: third[1].id, limit: 2 });
      expect([...first, ...second, ...third].map((s) => s.address)).toEqual([
        'a@example.com',
        '+441234567801',
        'b@example.com',
        'c@example.com',
        'd@example.com',
        '+441234567802',
      ]);
      expect(rest).toEqual([]);

      const manualEmails = await sut.list(account, { afterId: 0, limit: 2, channel: Channel.EMAIL, reason: 'manual' });
      expect(manualEmails.map((s) => s.address)).toEqual(['a@example.com', 'c@example.com']);
      const next = await sut.list(account, { afterId: manualEmails[1].id, limit: 2, channel: Channel.EMAIL, reason: 'manual' });
      expect(next.map((s) => s.address)).toEqual(['d@example.com']);
      expect((await sut.list(account, { afterId: 0, limit: 10, channel: Channel.SMS })).map((s) => s.reason)).toEqual([
        'manual',
        'complaint',
      ]);
    });
  });

  describe('removing', () => {
    it('removes the address and answers whether it was there', async () => {
      const account = await db.account();
      await sut.add(account, [email('ada@example.com'), email('grace@example.com')]);

      expect(await sut.remove(account, Channel.EMAIL, 'ada@example.com')).toBe(true);
      expect(await sut.remove(account, Channel.EMAIL, 'ada@example.com')).toBe(false);
      expect(await sut.remove(account, Channel.SMS, 'grace@example.com')).toBe(false);

      expect(await sut.find(account, Channel.EMAIL, 'ada@example.com')).toBeUndefined();
      expect((await sut.list(account, { afterId: 0, limit: 10 })).map((s) => s.address)).toEqual(['grace@example.com']);
      expect(await sut.add(account, [email('ada@example.com', 'complaint')])).toBe(1);
      expect(await sut.find(account, Channel.EMAIL, 'ada@example.com')).toMatchObject({ reason: 'complaint' });
    });
  });

  describe('between accounts', () => {
    it('keeps each account to its own list', async () => {
      const a = await db.account();
      const b = await db.account();
      await sut.add(a, [email('ada@example.com', 'complaint')]);

      expect(await sut.find(b, Channel.EMAIL, 'ada@example.com')).toBeUndefined();
      expect(await sut.list(b, { afterId: 0, limit: 10 })).toEqual([]);
      expect(await sut.remove(b, Channel.EMAIL, 'ada@example.com')).toBe(false);
      expect(await sut.add(b, [email('ada@example.com', 'manual')])).toBe(1);

      expect(await sut.find(a, Channel.EMAIL, 'ada@example.com')).toMatchObject({ reason: 'complaint' });
      expect(await sut.find(b, Channel.EMAIL, 'ada@example.com')).toMatchObject({ reason: 'manual' });
    });
  });
});
