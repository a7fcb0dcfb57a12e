/**
 * The state and reason a message is generated with, as SQL over the contact `c`, computed inside
 * generation's INSERT … SELECT so that a page stays one statement: EXCLUDED when the contact lacks
 * the address the integration needs, or when that address is on the account's suppression list
 * for the channel; else the sendout's starting state. The suppression lookup is a LEFT JOIN on the
 * list's unique (address, account_id, channel) key: one index probe per contact.
 */
import { Channel, ContactAddress, MessageState, NO_ADDRESS_REASONS, SUPPRESSED_REASON_PREFIX } from '@sendgate/domain';
import { SqlDialect } from '../sql';

/** Whether the sendout reports its messages' status changes to feedback webhooks. */
export interface FeedbackOption {
  feedback?: boolean;
}

/**
 * What generation needs besides the audience: the state a message starts in, the address its
 * contact must have (the integration's identifier type's; absent, none is checked), the channel
 * whose suppression list applies (absent, none) and whether the sendout skips `unsubscribed`
 * entries, and whether the sendout reports to feedback webhooks (the excluded then report `exclude`).
 */
export interface GenerateOptions extends FeedbackOption {
  state: MessageState;
  needs?: ContactAddress;
  suppression?: { channel: Channel; ignoreUnsubscribes?: boolean };
}

export interface GeneratedState {
  /** The SELECT list's state and reason expressions, and their parameters in that order. */
  state: string;
  reason: string;
  selectParams: unknown[];
  /** After the FROM's contact table: the suppression join, and its parameters. */
  join: string;
  joinParams: unknown[];
}

const ADDRESS_COLUMNS: Record<ContactAddress, string> = { email: 'c.email', phone: 'c.phone', externalId: 'c.external_id' };

/**
 * The generated state of a message over the contact `c` (see above). `email` overrides the email
 * column (the email API sends to the address its request gave, matched against the list too), and
 * `normalizedEmail` is that address as the list stores it (trimmed, lower-cased), when it may not be.
 */
export function generatedState(
  options: GenerateOptions,
  dialect: SqlDialect,
  email = ADDRESS_COLUMNS.email,
  normalizedEmail = email,
): GeneratedState {
  const excluded: Array<{ when: string; reason: string; params: unknown[] }> = [];
  if (options.needs) {
    const column = options.needs === 'email' ? email : ADDRESS_COLUMNS[options.needs];
    excluded.push({ when: `${column} IS NULL OR TRIM(${column}) = ''`, reason: '?', params: [NO_ADDRESS_REASONS[options.needs]] });
  }
  let join = '';
  const joinParams: unknown[] = [];
  if (options.suppression) {
    const address = options.suppression.channel === Channel.SMS ? ADDRESS_COLUMNS.phone : normalizedEmail;
    join = `LEFT JOIN suppressions sp ON sp.account_id = c.account_id AND sp.channel = ? AND sp.address = ${address}`;
    joinParams.push(options.suppression.channel);
    if (options.suppression.ignoreUnsubscribes) {
      join += ' AND sp.reason <> ?';
      joinParams.push('unsubscribed');
    }
    excluded.push({ when: 'sp.id IS NOT NULL', reason: dialect.concat('?', 'sp.reason'), params: [SUPPRESSED_REASON_PREFIX] });
  }
  if (excluded.length === 0) return { state: '?', reason: 'NULL', selectParams: [options.state], join, joinParams };
  const anyExcluded = excluded.map((e) => `(${e.when})`).join(' OR ');
  return {
    state: `CASE WHEN ${anyExcluded} THEN ? ELSE ? END`,
    reason: `CASE ${excluded.map((e) => `WHEN ${e.when} THEN ${e.reason}`).join(' ')} ELSE NULL END`,
    // the state's two, then the reason's, in the order the SELECT list binds them
    selectParams: [MessageState.EXCLUDED, options.state, ...excluded.flatMap((e) => e.params)],
    join,
    joinParams,
  };
}
