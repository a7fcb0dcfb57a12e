/**
 * Journey runs and the step sendouts they made. A run is numbered within its journey: the next
 * number is the journey's highest plus one, and the unique (journey_id, run_number) key settles a
 * race, the loser reading the highest again and trying the next. A run's steps are sendouts that
 * name it (journey_run_id), so their progress is read from the messages table like any sendout's.
 */
import { randomUUID } from 'node:crypto';
import { MessageCounts, MessageState, SendoutAudience, SendoutStage, journeyRunWorkflowId } from '@sendgate/domain';
import { Sql, isLockConflict, readTimestamp } from '../sql';
import { isDuplicateKey } from './sendouts.repository';

export type JourneyRunStage = 'RUNNING' | 'COMPLETED' | 'CANCELED' | 'FAILED';

export interface JourneyRunView {
  id: string;
  accountId: string;
  journeyId: string;
  runNumber: number;
  version: number;
  workflowId: string;
  stage: JourneyRunStage;
  segmentId: string | null;
  contactIds: string[] | null;
  lastError: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

/** A step of a run: its sendout with how many of its messages are in each state. */
export interface JourneyStepSendout {
  sendoutId: string;
  stepId: string;
  stage: SendoutStage;
  audience: SendoutAudience | null;
  counts: MessageCounts;
  createdAt: Date;
}

type TimestampValue = Date | string;
interface RunRow {
  id: string;
  account_id: string;
  journey_id: string;
  run_number: number | string;
  version: number | string;
  workflow_id: string;
  stage: JourneyRunStage;
  segment_id: string | null;
  contact_ids: string | null;
  last_error: string | null;
  created_at: TimestampValue;
  completed_at: TimestampValue | null;
}

const COLUMNS =
  'id, account_id, journey_id, run_number, version, workflow_id, stage, segment_id, contact_ids, last_error, created_at, completed_at';
const MAX_NUMBER_ATTEMPTS = 20;

export class JourneyRunsRepository {
  constructor(private readonly sql: Sql) {}

  /** A new RUNNING run of the journey at `version`, numbered after the journey's last run. */
  async create(args: {
    accountId: string;
    journeyId: string;
    version: number;
    segmentId?: string;
    contactIds?: string[];
  }): Promise<JourneyRunView> {
    const id = randomUUID();
    for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++) {
      const last = await this.sql.one<{ last: number | string | null }>(
        'SELECT MAX(run_number) AS last FROM journey_runs WHERE journey_id = ?',
        [args.journeyId],
      );
      const runNumber = Number(last?.last ?? 0) + 1;
      try {
        await this.sql.run(
          `INSERT INTO journey_runs (id, account_id, journey_id, run_number, version, workflow_id, stage, segment_id, contact_ids)
           VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?)`,
          [
            id,
            args.accountId,
            args.journeyId,
            runNumber,
            args.version,
            journeyRunWorkflowId(args.journeyId, runNumber),
            args.segmentId ?? null,
            args.contactIds ? JSON.stringify(args.contactIds) : null,
          ],
        );
      } catch (error) {
        // another run took the number first (or MariaDB chose this insert as a deadlock's victim): read the highest again
        if (isDuplicateKey(error) || isLockConflict(error)) continue;
        throw error;
      }
      return (await this.findById(id)) as JourneyRunView;
    }
    throw new Error(`journey ${args.journeyId}: no run number after ${MAX_NUMBER_ATTEMPTS} attempts (started concurrently)`);
  }

  /** The account's run of the journey; another account's run is as absent as an unknown one. */
  async find(accountId: string, journeyId: string, runNumber: number): Promise<JourneyRunView | undefined> {
    const row = await this.sql.one<RunRow>(
      `SELECT ${COLUMNS} FROM journey_runs WHERE journey_id = ? AND run_number = ? AND account_id = ?`,
      [journeyId, runNumber, accountId],
    );
    return row && toView(row);
  }

  /** Any account's run, for the workflow's activities (which get ids the API already checked). */
  async findById(id: string): Promise<JourneyRunView | undefined> {
    const row = await this.sql.one<RunRow>(`SELECT ${COLUMNS} FROM journey_runs WHERE id = ?`, [id]);
    return row && toView(row);
  }

  /**
   * The journey's runs, newest first, `limit` at a time below `afterRunNumber` (keyset: pass the
   * last run number of the page before; "after" in the listing's order, which is descending).
   */
  async list(accountId: string, journeyId: string, page: { afterRunNumber?: number; limit: number }): Promise<JourneyRunView[]> {
    const rows = await this.sql.all<RunRow>(
      `SELECT ${COLUMNS} FROM journey_runs
       WHERE account_id = ? AND journey_id = ? AND run_number < ?
       ORDER BY run_number DESC LIMIT ?`,
      [accountId, journeyId, page.afterRunNumber ?? Number.MAX_SAFE_INTEGER, page.limit],
    );
    return rows.map(toView);
  }

  /** Ends a RUNNING run in `stage`; answers false when it had already ended (the first end stands). */
  async finish(id: string, stage: Exclude<JourneyRunStage, 'RUNNING'>, lastError?: string): Promise<boolean> {
    const changed = await this.sql.run(
      "UPDATE journey_runs SET stage = ?, last_error = ?, completed_at = ? WHERE id = ? AND stage = 'RUNNING'",
      [stage, lastError ?? null, this.sql.dialect.timestamp(new Date()), id],
    );
    return changed > 0;
  }

  /**
   * The run's step sendouts in the order they were made, each with its messages counted by state:
   * one query over the (journey_run_id, journey_step_id) index and the messages' (sendout_id, state, id)
   * index, so a run of many steps costs one round trip.
   */
  async stepSendouts(runId: string): Promise<JourneyStepSendout[]> {
    const rows = await this.sql.all<{
      id: string;
      journey_step_id: string;
      stage: SendoutStage;
      audience: string | null;
      created_at: TimestampValue;
      state: MessageState | null;
      n: number | string | null;
    }>(
      // counted in a derived table, so the sendout's columns (a long JSON audience) are never grouped on
      `SELECT s.id, s.journey_step_id, s.stage, s.audience, s.created_at, m.state, m.n
       FROM sendouts s
       LEFT JOIN (
         SELECT mm.sendout_id, mm.state, COUNT(*) AS n
         FROM sendouts ss JOIN messages mm ON mm.sendout_id = ss.id
         WHERE ss.journey_run_id = ?
         GROUP BY mm.sendout_id, mm.state
       ) m ON m.sendout_id = s.id
       WHERE s.journey_run_id = ?
       ORDER BY s.created_at, s.id, m.state`,
      [runId, runId],
    );
    const steps = new Map<string, JourneyStepSendout>();
    for (const row of rows) {
      let step = steps.get(row.id);
      if (!step) {
        step = {
          sendoutId: row.id,
          stepId: row.journey_step_id,
          stage: row.stage,
          audience: row.audience ? (JSON.parse(row.audience) as SendoutAudience) : null,
          counts: {},
          createdAt: readTimestamp(row.created_at),
        };
        steps.set(row.id, step);
      }
      if (row.state !== null) step.counts[row.state] = Number(row.n ?? 0);
    }
    return [...steps.values()];
  }
}

function toView(row: RunRow): JourneyRunView {
  return {
    id: row.id,
    accountId: row.account_id,
    journeyId: row.journey_id,
    runNumber: Number(row.run_number),
    version: Number(row.version),
    workflowId: row.workflow_id,
    stage: row.stage,
    segmentId: row.segment_id,
    contactIds: row.contact_ids ? (JSON.parse(row.contact_ids) as string[]) : null,
    lastError: row.last_error,
    createdAt: readTimestamp(row.created_at),
    completedAt: row.completed_at === null ? null : readTimestamp(row.completed_at),
  };
}
