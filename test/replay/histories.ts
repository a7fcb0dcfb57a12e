/**
 * Where recorded workflow histories live and how they are written and read: one file per run, in
 * the JSON format of Temporal's own tools (`temporal workflow show --output json`, the Web UI's
 * download), so a file can also be replayed or inspected with them.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryAndWorkflowId } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

// The SDK's historyToJSON/historyFromJSON fail here ("type must be a Type"): npm nests one copy of
// protobufjs 8 under @temporalio/common and another under @temporalio/proto (the root holds
// protobufjs 7 for @grpc/proto-loader), and protojson checks `instanceof Type`. So the same
// conversion, with the copy of protobufjs that @temporalio/proto's types belong to.
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [require.resolve('@temporalio/proto')] }));
const historyType = (patchProtobufRoot(proto) as any).lookupType('temporal.api.history.v1.History');

export const HISTORIES_DIR = join(__dirname, 'histories');

/**
 * Writes the runs of one recorded sendout: `<name>.json` for a single run, `<name>.run-1.json`,
 * `<name>.run-2.json`, … for a chain of runs (continue-as-new). Earlier files of that name go first.
 */
export function writeHistories(name: string, runs: History[]): void {
  mkdirSync(HISTORIES_DIR, { recursive: true });
  for (const file of historyFiles().filter((f) => f === `${name}.json` || f.startsWith(`${name}.run-`))) rmSync(join(HISTORIES_DIR, file));
  runs.forEach((run, i) => {
    const file = runs.length === 1 ? `${name}.json` : `${name}.run-${i + 1}.json`;
    const json = protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(run));
    // Worker and client identities name the recording machine (pid@host); replay never reads them.
    writeFileSync(
      join(HISTORIES_DIR, file),
      `${JSON.stringify(json, (key, value) => (key === 'identity' ? 'sendgate-recorder' : value), 1)}\n`,
    );
  });
}

/** Every recorded run, named after its file (histories carry no workflow id). */
export function readHistories(): HistoryAndWorkflowId[] {
  return historyFiles().map((file) => ({
    workflowId: file.replace(/\.json$/, ''),
    history: protojson.fromJson(historyType, JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')), {
      ignoreUnknownFields: true,
    }) as History,
  }));
}

function historyFiles(): string[] {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}
