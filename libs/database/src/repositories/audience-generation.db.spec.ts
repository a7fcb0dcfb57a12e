/**
 * A journey step's messages generated from its audience: an earlier sendout's path, a segment or a
 * list, narrowed by branch conditions, a keyset page at a time.
 */
import { randomUUID } from 'node:crypto';
import { JourneyPath, MessageState, SegmentFilter, SendoutAudience } from '@sendgate/domain';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { MessagesRepository } from './messages.repository';

const GOLD: SegmentFilter = { all: [{ attribute: 'plan', op: 'eq', value: 'gold' }] };
const HAS_PLAN: SegmentFilter = { all: [{ attribute: 'plan', op: 'exists' }] };

describeOnEachDatabase((db) => {
  let sut: MessagesRepository;
  beforeAll(() => {
    sut = new MessagesRepository(db.sql);
  });

  /** An earlier sendout of the account with one message per contact c-1 … c-n, in the given states. */
  async function earlierSendout(accountId: string, states: MessageState[]): Promise<string> {
    const { sendoutId } = await db.messages(accountId, states.length, MessageState.GENERATED);
    for (const [i, state] of states.entries()) {
      await db.sql.run(
        `UPDATE messages SET state = ?
         WHERE sendout_id = ? AND contact_id = (SELECT id FROM contacts WHERE account_id = ? AND external_id = ?)`,
        [state, sendoutId, accountId, `c-${i + 1}`],
      );
    }
    return sendoutId;
  }

  /** Generates the whole audience, page by page; answers the new sendout, the contacts in it and what each page inserted. */
  async function generate(accountId: string, audience: SendoutAudience, pageSize = 100, segmentFilter?: SegmentFilter) {
    const sendoutId = randomUUID();
    const pages: number[] = [];
    for (;;) {
      const inserted = await sut.generateAudiencePage({
        sendoutId,
        accountId,
        audience,
        segmentFilter,
        state: MessageState.GATED,
        pageSize,
      });
      pages.push(inserted);
      if (inserted < pageSize || pages.length > 50) break;
    }
    return { sendoutId, pages, contacts: await contactsOf(sendoutId) };
  }

  async function contactsOf(sendoutId: string): Promise<string[]> {
    const rows = await db.sql.all<{ external_id: string }>(
      'SELECT c.external_id FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.sendout_id = ? ORDER BY c.id',
      [sendoutId],
    );
    return rows.map((r) => r.external_id);
  }

  describe('when a step follows a path of an earlier sendout', () => {
    const states = [
      MessageState.ACCEPTED,
      MessageState.SENT,
      MessageState.DELIVERED,
      MessageState.FAILED,
      MessageState.REJECTED,
      MessageState.TIMED_OUT,
      MessageState.BOUNCED,
      MessageState.CANCELED,
      MessageState.GATED,
      MessageState.SENDING,
    ];
    const expected: Record<JourneyPath, string[]> = {
      accepted: ['c-1', 'c-2', 'c-3', 'c-4', 'c-7', 'c-10'],
      rejected: ['c-5'],
      timedOut: ['c-6'],
      sent: ['c-2', 'c-3', 'c-7'],
    };

    it.each(Object.keys(expected) as JourneyPath[])('selects exactly the contacts on the %s path', async (path) => {
      const accountId = await db.accountWithContacts(states.length);
      const from = await earlierSendout(accountId, states);
      const { contacts } = await generate(accountId, { from: { sendoutId: from, path }, conditions: [] });
      expect(contacts).toEqual(expected[path]);
    });

    it('makes each message as generation does: in the given state, keyed by sendout and contact, not yet attempted', async () => {
      const accountId = await db.accountWithContacts(2);
      const from = await earlierSendout(accountId, [MessageState.REJECTED, MessageState.SENT]);
      const { sendoutId } = await generate(accountId, { from: { sendoutId: from, path: 'rejected' }, conditions: [] });
      const rows = await db.sql.all<{ contact_id: number | string; state: string; idempotency_key: string; attempts: number | string }>(
        'SELECT contact_id, state, idempotency_key, attempts FROM messages WHERE sendout_id = ?',
        [sendoutId],
      );
      expect(rows).toHaveLength(1);
      const [row] = rows;
      expect({ ...row, attempts: Number(row.attempts) }).toEqual({
        contact_id: row.contact_id,
        state: MessageState.GATED,
        idempotency_key: `${sendoutId}:${row.contact_id}`,
        attempts: 0,
      });
    });
  });

  describe('when the step is behind a branch condition', () => {
    // c-1 gold, c-2 silver, c-3 without a plan, c-4 gold
    const plans: Array<string | undefined> = ['gold', 'silver', undefined, 'gold'];
    const withPlans = () => db.accountWithContacts(4, (i) => (plans[i - 1] === undefined ? { age: i } : { plan: plans[i - 1] }));

    it('sends the matching contacts one way and every other contact, one lacking the attribute too, the other', async () => {
      const accountId = await withPlans();
      const from = await earlierSendout(accountId, Array(4).fill(MessageState.SENT));
      const path = { sendoutId: from, path: 'sent' as const };

      const matched = await generate(accountId, { from: path, conditions: [{ filter: GOLD, match: true }] });
      const otherwise = await generate(accountId, { from: path, conditions: [{ filter: GOLD, match: false }] });

      expect(matched.contacts).toEqual(['c-1', 'c-4']);
      expect(otherwise.contacts).toEqual(['c-2', 'c-3']);
    });

    it('applies every condition passed on the way', async () => {
      const accountId = await withPlans();
      const from = await earlierSendout(accountId, Array(4).fill(MessageState.ACCEPTED));
      const { contacts } = await generate(accountId, {
        from: { sendoutId: from, path: 'accepted' },
        conditions: [
          { filter: GOLD, match: false },
          { filter: HAS_PLAN, match: true },
        ],
      });
      expect(contacts).toEqual(['c-2']);
    });
  });

  describe('when the audience is larger than a page', () => {
    it('resumes after the last contact generated, inserts none twice, and ends with a short page', async () => {
      const accountId = await db.accountWithContacts(25);
      // the odd contacts were accepted: 13 of them
      const from = await earlierSendout(
        accountId,
        Array.from({ length: 25 }, (_, i) => (i % 2 === 0 ? MessageState.SENT : MessageState.REJECTED)),
      );
      const { pages, contacts } = await generate(accountId, { from: { sendoutId: from, path: 'accepted' }, conditions: [] }, 4);
      expect(pages).toEqual([4, 4, 4, 1]);
      expect(contacts).toEqual(Array.from({ length: 13 }, (_, i) => `c-${2 * i + 1}`));
    });

    it('counts a page of a path after its branch conditions, so a page of skipped contacts does not end it', async () => {
      // gold only on every fourth contact: a page of 4 golds spans 16 contacts of the path
      const accountId = await db.accountWithContacts(30, (i) => ({ plan: i % 4 === 1 ? 'gold' : 'silver' }));
      const from = await earlierSendout(accountId, Array(30).fill(MessageState.SENT));
      const { pages, contacts } = await generate(
        accountId,
        { from: { sendoutId: from, path: 'sent' }, conditions: [{ filter: GOLD, match: true }] },
        4,
      );
      expect(pages).toEqual([4, 4, 0]);
      expect(contacts).toEqual(['c-1', 'c-5', 'c-9', 'c-13', 'c-17', 'c-21', 'c-25', 'c-29']);
    });

    it('pages a segment the same way', async () => {
      const accountId = await db.accountWithContacts(10, (i) => (i <= 7 ? { plan: 'gold' } : {}));
      const { pages, contacts } = await generate(accountId, { segmentId: 'gold', conditions: [] }, 3, HAS_PLAN);
      expect(pages).toEqual([3, 3, 1]);
      expect(contacts).toEqual(['c-1', 'c-2', 'c-3', 'c-4', 'c-5', 'c-6', 'c-7']);
    });
  });

  describe("when the step is the run's first, to its own audience", () => {
    it('selects the segment as it is at generation, narrowed by the conditions', async () => {
      const accountId = await db.accountWithContacts(4, (i) => (i === 3 ? {} : { plan: i % 2 === 0 ? 'gold' : 'silver' }));
      const { contacts } = await generate(accountId, { segmentId: 'plans', conditions: [{ filter: GOLD, match: false }] }, 100, HAS_PLAN);
      expect(contacts).toEqual(['c-1']);
    });

    it('selects the listed contacts the account has, in lists of any length', async () => {
      const accountId = await db.accountWithContacts(5, (i) => (i === 2 ? { plan: 'gold' } : {}));
      const unknown = Array.from({ length: 1_200 }, (_, i) => `unknown-${i}`);
      const { contacts } = await generate(accountId, {
        contactIds: ['c-1', 'c-2', ...unknown, 'c-5'],
        conditions: [{ filter: GOLD, match: false }],
      });
      expect(contacts).toEqual(['c-1', 'c-5']);
    });

    it('refuses an audience that names no contacts, and a segment without its filter', async () => {
      const accountId = await db.account();
      const page = (audience: SendoutAudience, segmentFilter?: SegmentFilter) =>
        sut.generateAudiencePage({ sendoutId: randomUUID(), accountId, audience, segmentFilter, state: MessageState.GATED, pageSize: 10 });
      await expect(page({ conditions: [] })).rejects.toThrow(/names no contacts/);
      await expect(page({ segmentId: 's', conditions: [] })).rejects.toThrow(/without its filter/);
    });
  });

  describe("when another account's contacts or messages are named", () => {
    it('never selects them', async () => {
      const mine = await db.accountWithContacts(3, () => ({ plan: 'gold' }));
      const theirs = await db.accountWithContacts(3, () => ({ plan: 'gold' }));
      const theirSendout = await earlierSendout(theirs, Array(3).fill(MessageState.SENT));
      const myContactIds = await db.sql.all<{ id: number | string }>('SELECT id FROM contacts WHERE account_id = ?', [mine]);
      const ownedByMe = (sendoutId: string) =>
        db.sql.all<{ account_id: string }>(
          'SELECT DISTINCT c.account_id FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.sendout_id = ?',
          [sendoutId],
        );

      const fromTheirs = await generate(mine, { from: { sendoutId: theirSendout, path: 'sent' }, conditions: [] });
      const segment = await generate(mine, { segmentId: 'gold', conditions: [{ filter: GOLD, match: true }] }, 100, HAS_PLAN);
      const listed = await generate(mine, { contactIds: ['c-1', 'c-2', 'c-3'], conditions: [] });

      expect(fromTheirs.contacts).toEqual([]);
      expect(segment.contacts).toHaveLength(myContactIds.length);
      expect(await ownedByMe(segment.sendoutId)).toEqual([{ account_id: mine }]);
      expect(listed.contacts).toHaveLength(3);
      expect(await ownedByMe(listed.sendoutId)).toEqual([{ account_id: mine }]);
    });
  });
});
