import { rmSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';

export default async function globalTeardown(): Promise<void> {
  const temporal = (globalThis as Record<string, unknown>).__SENDGATE_TEMPORAL__ as { pid?: number } | undefined;
  if (temporal?.pid) {
    try {
      process.kill(-temporal.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const url = process.env.SENDGATE_TEST_MYSQL_URL;
  if (url) {
    const name = new URL(url).pathname.slice(1);
    const admin = await createConnection(url.slice(0, url.lastIndexOf('/')));
    try {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await admin.end();
    }
  }
  if (process.env.SENDGATE_TEST_DIR) rmSync(process.env.SENDGATE_TEST_DIR, { recursive: true, force: true });
}
