/** Raw baselines measured in the same run as the sendout: the ceilings Sendgate is compared to. */
import { Agent, request as httpRequest } from 'node:http';
import { Pool } from 'undici';
import { SegmentFilter, compileSegmentFilter } from '../libs/domain/src/segment-filter';
import { Sql } from '../libs/database/src/sql';

/** Multi-row INSERTs of 1,000 rows into a table shaped and indexed like `messages`. */
export async function rawInsertRate(sql: Sql, rows: number): Promise<number> {
  await sql.run('DROP TABLE IF EXISTS bench_raw_messages');
  await sql.run(`CREATE TABLE bench_raw_messages LIKE messages`);
  const sendoutId = 'raw-baseline-0000-0000-000000000000';
  const now = new Date();
  const started = performance.now();
  for (let offset = 0; offset < rows; offset += 1_000) {
    const n = Math.min(1_000, rows - offset);
    const params: unknown[] = [];
    for (let i = 0; i < n; i++) params.push(sendoutId, offset + i + 1, 'ACCEPTED', `${sendoutId}:${offset + i + 1}`, 0, now, now);
    await sql.run(
      `INSERT INTO bench_raw_messages (sendout_id, contact_id, state, idempotency_key, attempts, created_at, updated_at)
       VALUES ${new Array(n).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      params,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  await sql.run('DROP TABLE bench_raw_messages');
  return rows / seconds;
}

/**
 * The whole segment copied by one `INSERT … SELECT` into a table shaped and indexed like `messages`:
 * no pages, no round trips, the database's own limit for generation. Answers rows per second.
 */
export async function rawInsertSelectRate(sql: Sql, accountId: string, filter: SegmentFilter): Promise<{ rows: number; rate: number }> {
  await sql.run('DROP TABLE IF EXISTS bench_raw_messages');
  await sql.run('CREATE TABLE bench_raw_messages LIKE messages');
  const sendoutId = 'raw-baseline-0000-0000-000000000000';
  const where = compileSegmentFilter(filter, sql.dialect, 'c');
  const now = new Date();
  const started = performance.now();
  const rows = await sql.run(
    `INSERT INTO bench_raw_messages (sendout_id, contact_id, state, idempotency_key, attempts, created_at, updated_at)
     SELECT ?, c.id, 'ACCEPTED', ${sql.dialect.concat('?', 'c.id')}, 0, ?, ?
     FROM contacts c
     WHERE c.account_id = ? AND ${where.sql}`,
    [sendoutId, `${sendoutId}:`, now, now, accountId, ...where.params],
  );
  const seconds = (performance.now() - started) / 1000;
  await sql.run('DROP TABLE bench_raw_messages');
  return { rows, rate: rows / seconds };
}

/**
 * Requests sent, untimed, before a POST baseline is timed. The send path is measured warm (its
 * client and the receiver have long been compiled by then), so the baseline is too: timed cold,
 * 20,000 undici requests ran at about half the rate they reach once warm.
 */
export const POST_WARM_UP = 10_000;

const RAW_BODY = JSON.stringify({ to: 'user@example.com', subject: 'Hello', html: '<p>Hello</p>' });

/** Keep-alive POSTs of a small JSON body with `concurrency` in flight, through undici's Pool (`request`). */
export async function rawUndiciPostRate(url: string, total: number, concurrency: number): Promise<number> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
  try {
    return await postRate(total, concurrency, async (i) => {
      const res = await pool.request({
        method: 'POST',
        path: target.pathname,
        body: RAW_BODY,
        headers: { 'content-type': 'application/json', 'idempotency-key': `raw:${i}` },
      });
      await res.body.text();
    });
  } finally {
    await pool.close();
  }
}

/**
 * The same through undici's lower-level `dispatch` and a handler of its own (no response stream,
 * no promise per step), as the send path's client posts: the cheapest keep-alive POST from Node.
 */
export async function rawUndiciDispatchRate(url: string, total: number, concurrency: number): Promise<number> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
  const post = (i: number) =>
    new Promise<void>((resolve, reject) => {
      pool.dispatch(
        {
          origin: target.origin,
          method: 'POST',
          path: target.pathname,
          body: RAW_BODY,
          headers: { 'content-type': 'application/json', 'idempotency-key': `raw:${i}` },
        },
        {
          onConnect: () => undefined,
          onHeaders: () => true,
          onData: () => true,
          onComplete: () => resolve(),
          onError: reject,
        },
      );
    });
  try {
    return await postRate(total, concurrency, post);
  } finally {
    await pool.close();
  }
}

/** The same with node:http and a keep-alive Agent, to choose the send path's client by measurement. */
export async function rawNodeHttpPostRate(url: string, total: number, concurrency: number): Promise<number> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const post = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(RAW_BODY), 'idempotency-key': `raw:${i}` },
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(RAW_BODY);
    });
  try {
    return await postRate(total, concurrency, post);
  } finally {
    agent.destroy();
  }
}

/** Posts POST_WARM_UP requests, then times `total` more, `concurrency` at a time; answers requests per second. */
async function postRate(total: number, concurrency: number, post: (i: number) => Promise<void>): Promise<number> {
  const run = async (count: number, first: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) await post(first + next++);
      }),
    );
  };
  await run(POST_WARM_UP, total);
  const started = performance.now();
  await run(total, 0);
  return total / ((performance.now() - started) / 1000);
}
