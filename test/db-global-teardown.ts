import { dropTestDatabase } from './test-database';

export default async function dbGlobalTeardown(): Promise<void> {
  const url = process.env.SENDGATE_TEST_DB_URL;
  if (url) await dropTestDatabase(url);
}
