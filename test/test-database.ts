/**
 * Fresh MySQL/MariaDB databases for a test run: created empty on the server named by
 * SENDGATE_TEST_MYSQL_SERVER (default root@127.0.0.1:3306), dropped at the end.
 */
import { createConnection } from 'mysql2/promise';

export async function createTestDatabase(prefix: string): Promise<string> {
  const server = process.env.SENDGATE_TEST_MYSQL_SERVER || 'mysql://root@127.0.0.1:3306';
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  const admin = await createConnection(server);
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  return `${server.replace(/\/+$/, '')}/${name}`;
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = await createConnection(url.slice(0, url.lastIndexOf('/')));
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await admin.end();
  }
}
