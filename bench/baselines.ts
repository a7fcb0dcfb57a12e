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

/** Keep-alive POSTs of a small JSON body with `concurrency` in flight, through undici's Pool. */
export async function rawUndiciPostRate(url: string, total: number, concurrency: number): Promise<number> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
  const body = JSON.stringify({ to: 'user@example.com', subject: 'Hello', html: '<p>Hello</p>' });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const res = await pool.request({
          method: 'POST',
          path: target.pathname,
          body,
          headers: { 'content-type': 'application/json', 'idempotency-key': `raw:${i}` },
        });
        await res.body.text();
      }
    }),
  );
  const rate = total / ((performance.now() - started) / 1000);
  await pool.close();
  return rate;
}

/** The same with node:http and a keep-alive Agent, to choose the send path's client by measurement. */
export async function rawNodeHttpPostRate(url: string, total: number, concurrency: number): Promise<number> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const body = JSON.stringify({ to: 'user@example.com', subject: 'Hello', html: '<p>Hello</p>' });
  const post = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'idempotency-key': `raw:${i}` },
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await post(next++);
    }),
  );
  const rate = total / ((performance.now() - started) / 1000);
  agent.destroy();
  return rate;
}
