import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@sendgate/config';
import { createApiApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen(config.api.port, config.api.host);
  new Logger('Api').log(`listening on http://${config.api.host}:${config.api.port} (OpenAPI at /docs)`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
