/**
 * Benchmark: what the suppression list costs generation. BENCH_CONTACTS (default 1,000,000)
 * contacts of one account, a tenth of their emails suppressed; the segment generated page by page
 * as the generateMessages activity does (MessagesRepository, the production page size), three
 * ways, interleaved and repeated so that the machine's drift hits each alike:
 *   - list: 100,000 suppressed, the product's path (the join, a tenth EXCLUDED);
 *   - empty: an account with no entries (the join is left out, so the SQL is the same as none's: the
 *     two differ by the machine's noise alone, which the figures show);
 *   - none: no suppression join at all (generation as it was before suppression lists).
 * Each figure is the median of its rounds; the order of the ways rotates from round to round.
 * Not in the default list: `BENCHES=suppression make bench`.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Channel, MessageState } from '../libs/domain/src';
import { MessagesRepository } from '../libs/database/src/repositories/messages.repository';
import { GenerateOptions } from '../libs/database/src/repositories/generated-state';
import { SuppressionsRepository } from '../libs/database/src/repositories/suppressions.repository';
import { migrate, openDataSource } from '../libs/database/src/data-source';
import { Sql } from '../libs/database/src/sql';
import { createTestDatabase, dropTestDatabase } from '../test/test-database';
import { cohortFilter, fmt, printTable } from './bench-stack';
import { goal, recordResults, round } from './results';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
/** One contact in SUPPRESS_EVERY has its email on the list. */
const SUPPRESS_EVERY = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PAGE_SIZE = Number(process.env.SENDOUT_GENERATE_PAGE_SIZE ?? 5_000);
const COHORT = 'suppression';

type Way = 'list' | 'empty' | 'none';

async function main(): Promise<void> {
  const url = await createTestDatabase('sendgate_bench');
  let dataSource: DataSource | undefined;
  try {
    dataSource = await openDataSource({ type: 'mysql', url, poolSize: 4 });
    await migrate(dataSource);
    const sql = new Sql(dataSource);
    const listed = randomUUID();
    const unlisted = randomUUID();
    console.log(
      `suppression benchmark: ${fmt(CONTACTS)} contacts per account, ${fmt(CONTACTS / SUPPRESS_EVERY)} suppressed, ${ROUNDS} rounds`,
    );
    const seedStarted = performance.now();
    await seedContacts(sql, listed);
    await seedContacts(sql, unlisted);
    const suppressed = await seedSuppressions(sql, listed);
    await sql.run('ANALYZE TABLE contacts, suppressions');
    console.log(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    const messages = new MessagesRepository(sql);
    const rates: Record<Way, number[]> = { list: [], empty: [], none: [] };
    let excluded = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // each way takes each place in the order once over three rounds: the one after the seeding
      // or after another account's run reads a colder buffer pool
      const ways: Way[] = ['none', 'list', 'empty'];
      for (const way of [...ways.slice(round % 3), ...ways.slice(0, round % 3)]) {
        const accountId = way === 'list' ? listed : unlisted;
        const options: GenerateOptions = {
          state: MessageState.ACCEPTED,
          needs: 'email',
          ...(way === 'none' ? {} : { suppression: { channel: Channel.EMAIL } }),
        };
        const sendoutId = randomUUID();
        const started = performance.now();
        let rows = 0;
        for (;;) {
          const inserted = await messages.generateSegmentPage({
            sendoutId,
            accountId,
            filter: cohortFilter(COHORT),
            ...options,
            pageSize: PAGE_SIZE,
          });
          rows += inserted;
          if (inserted < PAGE_SIZE) break;
        }
        const seconds = (performance.now() - started) / 1000;
        rates[way].push(rows / seconds);
        if (way === 'list') excluded = (await messages.countByState(sendoutId))[MessageState.EXCLUDED] ?? 0;
        console.log(`  round ${round + 1} ${way.padEnd(5)} ${fmt(rows / seconds)} rows/s (${seconds.toFixed(1)} s)`);
        // every run starts from an empty table, with no purge of a million deleted rows going on behind it
        await sql.run('TRUNCATE TABLE messages');
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const list = median(rates.list);
    const empty = median(rates.empty);
    const none = median(rates.none);
    const ratios = { list_over_empty: round(list / empty), list_over_none: round(list / none) };
    printTable([
      ['generation, 100,000 of 1,000,000 suppressed', `${fmt(list)} rows/s (${fmt(excluded)} EXCLUDED)`],
      ['generation, an empty suppression list', `${fmt(empty)} rows/s`],
      ['generation without the suppression join', `${fmt(none)} rows/s`],
      ['  ratio: suppressed / empty list (goal ≥ 90%)', `${(ratios.list_over_empty * 100).toFixed(0)}%`],
      ['  ratio: suppressed / no join (goal ≥ 90%)', `${(ratios.list_over_none * 100).toFixed(0)}%`],
    ]);
    await recordResults(sql, 'suppression', {
      figures: {
        contacts: CONTACTS,
        suppressed,
        excluded,
        rounds: ROUNDS,
        page_size: PAGE_SIZE,
        generation_suppressed_rows_per_s: round(list),
        generation_empty_list_rows_per_s: round(empty),
        generation_no_join_rows_per_s: round(none),
        rates_rows_per_s: JSON.stringify(Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, v.map((r) => Math.round(r))]))),
      },
      ratios,
      goals: { list_over_empty: goal(ratios.list_over_empty, '>=', 0.9), list_over_none: goal(ratios.list_over_none, '>=', 0.9) },
    });
  } finally {
    await dataSource?.destroy();
    await dropTestDatabase(url);
  }
}

/** CONTACTS contacts of the account, all in the cohort, each with an email and a phone: multi-row INSERTs of 5,000. */
async function seedContacts(sql: Sql, accountId: string): Promise<void> {
  const attributes = JSON.stringify({ cohort: COHORT });
  const now = new Date();
  for (let offset = 0; offset < CONTACTS; offset += 5_000) {
    const n = Math.min(5_000, CONTACTS - offset);
    const params: unknown[] = [];
    for (let i = offset; i < offset + n; i++) params.push(accountId, `c-${i}`, `c-${i}@example.com`, attributes, now, now);
    const rows = new Array(n).fill('(?, ?, ?, ?, ?, ?)').join(', ');
    await sql.run(`INSERT INTO contacts (account_id, external_id, email, attributes, created_at, updated_at) VALUES ${rows}`, params);
  }
}

/** Every SUPPRESS_EVERY-th contact's email, in the order a bulk import would add them (not the contacts' order). */
async function seedSuppressions(sql: Sql, accountId: string): Promise<number> {
  const addresses: string[] = [];
  for (let i = 0; i < CONTACTS; i += SUPPRESS_EVERY) addresses.push(`c-${i}@example.com`);
  addresses.sort();
  const reasons = ['hard_bounce', 'unsubscribed', 'complaint', 'manual'] as const;
  return new SuppressionsRepository(sql).add(
    accountId,
    addresses.map((address, i) => ({ channel: Channel.EMAIL, address, reason: reasons[i % reasons.length], source: 'bench' })),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
