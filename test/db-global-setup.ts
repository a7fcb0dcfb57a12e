/**
 * The db tier's one MariaDB database for the run, created empty: the test files migrate it with
 * the source's migrations (global setup cannot load them without a build).
 */
import { createTestDatabase } from './test-database';

export default async function dbGlobalSetup(): Promise<void> {
  process.env.SENDGATE_TEST_DB_URL = await createTestDatabase('sendgate_db_test');
}
