/** Bundles the workflow code once at build time, so workers start without running webpack. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** The code a worker runs: the bundle of workflows/registry (the replay test bundles it the same way). */
export async function bundleWorkflows(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows/registry'),
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} },
  });
  return code;
}

async function main(): Promise<void> {
  const code = await bundleWorkflows();
  const out = resolve(__dirname, '../workflow-bundle.js');
  writeFileSync(out, code);
  console.log(`workflow bundle: ${out} (${Math.round(code.length / 1024)} KiB)`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
