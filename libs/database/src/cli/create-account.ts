/**
 * `npm run create-account -- --name <name>`: creates an account and its first API key on the
 * configured database. Prints `account_id=…` and `api_key=…` on stdout (the key is shown this once
 * and stored only as its SHA-256); more keys are made with POST /v1/api-keys.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '@sendgate/config';
import { openDataSource } from '../data-source';
import { ApiKeysRepository } from '../repositories/api-keys.repository';

const USAGE = 'usage: npm run create-account -- --name <account name, 1 to 200 characters>';

function readName(argv: string[]): string | undefined {
  try {
    const name = parseArgs({ args: argv, options: { name: { type: 'string' } }, strict: true }).values.name?.trim();
    return name && name.length <= 200 ? name : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const name = readName(process.argv.slice(2));
  if (!name) {
    console.error(USAGE);
    process.exit(2);
  }
  const dataSource = await openDataSource(loadConfig().database);
  try {
    const { accountId, apiKey } = await new ApiKeysRepository(dataSource).createAccount(name);
    console.log(`account_id=${accountId}\napi_key=${apiKey.key}`);
    console.error('the API key is shown only this once: keep it');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
