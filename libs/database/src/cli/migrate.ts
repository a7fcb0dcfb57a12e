/** `npm run migrate`: applies pending migrations to the configured database. */
import { loadConfig } from '@sendgate/config';
import { migrate, openDataSource } from '../data-source';

async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = await openDataSource(config.database);
  try {
    const applied = await migrate(dataSource);
    console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
