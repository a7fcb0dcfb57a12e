/**
 * The SQL that selects a journey step's audience (SendoutAudience): the tables and WHERE of one keyset
 * page of contact ids, for generation's INSERT … SELECT. Kept apart from MessagesRepository, which
 * runs it, because each base of an audience reads other tables along another index.
 */
import { JOURNEY_PATH_STATES, SegmentFilter, SendoutAudience, compileSegmentFilter } from '@sendgate/domain';
import { SqlDialect, chunk } from '../sql';

export interface AudienceSource {
  /** The contact id column the page is ordered and resumed by. */
  contactId: string;
  /** After SELECT: the join order, where the first table must drive. */
  hint: string;
  /** The tables after FROM (the contacts as `c`), and the WHERE's predicates: no ORDER BY or LIMIT. */
  from: string;
  where: string;
  params: unknown[];
}

const IN_LIST_LIMIT = 1_000;

/**
 * The audience's contacts of the account with an id above `afterContactId`. An earlier sendout's
 * path is read along its messages' unique (sendout_id, contact_id) key, so a page is a range of
 * that index; a segment or a list is read along the contacts' (account_id, id) key. Every branch
 * condition is one more predicate: `IS NOT TRUE` for the otherwise side, so that a contact the
 * condition cannot decide (its attribute is missing: NULL) takes otherwise, not neither path.
 */
export function audienceSource(
  audience: SendoutAudience,
  accountId: string,
  afterContactId: number,
  dialect: SqlDialect,
  segmentFilter?: SegmentFilter,
): AudienceSource {
  const where: string[] = [];
  const params: unknown[] = [];
  let from: string;
  let contactId: string;
  let hint = '';

  if (audience.from) {
    const states = JOURNEY_PATH_STATES[audience.from.path];
    if (!states) throw new Error(`unknown journey path ${JSON.stringify(audience.from.path)}`);
    // messages first: contacts is only looked up by primary key (and checked for the account)
    from = `messages pm ${dialect.forceIndex('uq_messages_sendout_contact')} JOIN contacts c ON c.id = pm.contact_id`;
    hint = dialect.straightJoin;
    contactId = 'pm.contact_id';
    where.push('pm.sendout_id = ?', 'pm.contact_id > ?', `pm.state IN (${dialect.placeholders(states.length)})`, 'c.account_id = ?');
    params.push(audience.from.sendoutId, afterContactId, ...states, accountId);
  } else {
    from = `contacts c ${dialect.forceIndex('ix_contacts_account_id')}`;
    contactId = 'c.id';
    where.push('c.account_id = ?', 'c.id > ?');
    params.push(accountId, afterContactId);
    if (audience.segmentId) {
      if (!segmentFilter) throw new Error(`the audience's segment ${audience.segmentId} came without its filter`);
      const compiled = compileSegmentFilter(segmentFilter, dialect, 'c');
      where.push(compiled.sql);
      params.push(...compiled.params);
    } else if (audience.contactIds) {
      // bounded IN lists, one predicate: the whole list is one keyset, however long
      const lists = chunk(audience.contactIds, IN_LIST_LIMIT);
      where.push(
        lists.length === 0 ? '1 = 0' : `(${lists.map((ids) => `c.external_id IN (${dialect.placeholders(ids.length)})`).join(' OR ')})`,
      );
      params.push(...audience.contactIds);
    } else {
      throw new Error('the audience names no contacts: it needs from, segmentId or contactIds');
    }
  }

  for (const condition of audience.conditions) {
    const compiled = compileSegmentFilter(condition.filter, dialect, 'c');
    where.push(condition.match ? compiled.sql : `${compiled.sql} IS NOT TRUE`);
    params.push(...compiled.params);
  }

  return { contactId, hint, from, where: where.join(' AND '), params };
}
