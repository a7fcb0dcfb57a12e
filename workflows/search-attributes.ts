/**
 * Search attributes the Web UI filters on. A Temporal server must know them before a workflow sets
 * them: scripts/lib.sh, test/global-setup.ts and docker-compose.yml register this same list.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SendoutIdKey = defineSearchAttributeKey('SendoutId', SearchAttributeType.KEYWORD);
export const ProjectNameKey = defineSearchAttributeKey('ProjectName', SearchAttributeType.KEYWORD);
export const JourneyNameKey = defineSearchAttributeKey('JourneyName', SearchAttributeType.KEYWORD);
export const SendoutNameKey = defineSearchAttributeKey('SendoutName', SearchAttributeType.KEYWORD);
export const SendoutKindKey = defineSearchAttributeKey('SendoutKind', SearchAttributeType.KEYWORD);
export const GateStateKey = defineSearchAttributeKey('GateState', SearchAttributeType.KEYWORD);
export const SendoutStageKey = defineSearchAttributeKey('SendoutStage', SearchAttributeType.KEYWORD);
export const CampaignNameKey = defineSearchAttributeKey('CampaignName', SearchAttributeType.KEYWORD);

/** Name and type of every key, for registering them with a Temporal server. */
export const SEARCH_ATTRIBUTES = [
  SendoutIdKey,
  ProjectNameKey,
  JourneyNameKey,
  SendoutNameKey,
  SendoutKindKey,
  GateStateKey,
  SendoutStageKey,
  CampaignNameKey,
].map((key) => ({ name: key.name, type: key.type }));

/**
 * The flags of every `temporal server start-dev` Sendgate starts (make start, tests, benchmarks,
 * screenshots): the search attributes; eager activity execution, which hands the activities a
 * workflow task schedules to the worker that completed it in the same answer (an accepted gate's
 * first pages start without a trip through the task queue; a production cluster sets the same
 * dynamic config key); and the dev server's SQLite file in WAL mode with `synchronous=NORMAL`.
 * SQLite's default journal syncs the disk on every commit, and that made the dev server the limit
 * of a burst of email API sends (each its own workflow): 500 reached the ESP within 19.8 s of the
 * last answer instead of 40.6 s. A commit still survives a crash of the server's process, which is
 * what the durability tests do to it; only a crash of the machine can lose the last ones.
 */
export const DEV_SERVER_FLAGS = [
  ...SEARCH_ATTRIBUTES.flatMap((a) => ['--search-attribute', `${a.name}=Keyword`]),
  '--dynamic-config-value',
  'system.enableActivityEagerExecution=true',
  '--sqlite-pragma',
  'journal_mode=wal',
  '--sqlite-pragma',
  'synchronous=normal',
];
