/**
 * Journey definitions and their versions. A new version is numbered from the journey's
 * current_version by a conditional update (only where it still holds the number read), so that two
 * concurrent edits never lose a version nor share a number: the one that finds the number changed
 * reads it again and tries the next.
 */
import type { JourneyDefinition } from '@sendgate/domain';
import { Sql, readTimestamp } from '../sql';

export interface JourneyView {
  id: string;
  accountId: string;
  projectId: string;
  name: string;
  version: number;
  definition: JourneyDefinition;
  /** When this version was made. */
  createdAt: Date;
}

export interface JourneyVersionSummary {
  version: number;
  createdAt: Date;
}

type TimestampValue = Date | string;
interface VersionRow {
  id: string;
  account_id: string;
  project_id: string;
  name: string;
  version: number | string;
  definition: string;
  created_at: TimestampValue;
}

const MAX_VERSION_ATTEMPTS = 20;

export class JourneysRepository {
  constructor(private readonly sql: Sql) {}

  /** A new journey at version 1. */
  async create(journey: { id: string; accountId: string; projectId: string; name: string; definition: JourneyDefinition }): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run('INSERT INTO journeys (id, account_id, project_id, name, current_version) VALUES (?, ?, ?, ?, 1)', [
        journey.id,
        journey.accountId,
        journey.projectId,
        journey.name,
      ]);
      await tx.run('INSERT INTO journey_versions (journey_id, version, definition) VALUES (?, 1, ?)', [
        journey.id,
        JSON.stringify(journey.definition),
      ]);
    });
  }

  /**
   * Stores `definition` as the journey's next version and makes it current (with the journey's new
   * name); answers the version's number, or undefined when the account has no such journey.
   */
  async addVersion(accountId: string, id: string, change: { name: string; definition: JourneyDefinition }): Promise<number | undefined> {
    for (let attempt = 0; attempt < MAX_VERSION_ATTEMPTS; attempt++) {
      const current = await this.sql.one<{ current_version: number | string }>(
        'SELECT current_version FROM journeys WHERE id = ? AND account_id = ? AND deleted_at IS NULL',
        [id, accountId],
      );
      if (!current) return undefined;
      const read = Number(current.current_version);
      const next = read + 1;
      const made = await this.sql.transaction(async (tx) => {
        const claimed = await tx.run(
          `UPDATE journeys SET current_version = ?, name = ?, updated_at = ?
           WHERE id = ? AND account_id = ? AND current_version = ? AND deleted_at IS NULL`,
          [next, change.name, tx.dialect.timestamp(new Date()), id, accountId, read],
        );
        if (claimed === 0) return false;
        await tx.run('INSERT INTO journey_versions (journey_id, version, definition) VALUES (?, ?, ?)', [
          id,
          next,
          JSON.stringify(change.definition),
        ]);
        return true;
      });
      if (made) return next;
    }
    throw new Error(`journey ${id}: no new version after ${MAX_VERSION_ATTEMPTS} attempts (edited concurrently)`);
  }

  /** The journey at its current version, or at `version`; another account's journey is as absent as an unknown one. */
  async find(accountId: string, id: string, version?: number): Promise<JourneyView | undefined> {
    const row = await this.sql.one<VersionRow>(
      `SELECT j.id, j.account_id, j.project_id, j.name, v.version, v.definition, v.created_at
       FROM journeys j JOIN journey_versions v ON v.journey_id = j.id AND v.version = ${version === undefined ? 'j.current_version' : '?'}
       WHERE j.id = ? AND j.account_id = ? AND j.deleted_at IS NULL`,
      version === undefined ? [id, accountId] : [version, id, accountId],
    );
    return row && toView(row);
  }

  /**
   * One version of a journey for a run's steps, whatever has happened to the journey since (a run
   * keeps the version it started with, even when the journey is edited or deleted meanwhile).
   */
  async findVersion(id: string, version: number): Promise<JourneyView | undefined> {
    const row = await this.sql.one<VersionRow>(
      `SELECT j.id, j.account_id, j.project_id, j.name, v.version, v.definition, v.created_at
       FROM journeys j JOIN journey_versions v ON v.journey_id = j.id AND v.version = ?
       WHERE j.id = ?`,
      [version, id],
    );
    return row && toView(row);
  }

  /** The journey's versions, newest first, `limit` at a time below `before` (keyset); undefined when there is no such journey. */
  async listVersions(
    accountId: string,
    id: string,
    page: { before?: number; limit: number },
  ): Promise<JourneyVersionSummary[] | undefined> {
    const journey = await this.sql.one<{ id: string }>('SELECT id FROM journeys WHERE id = ? AND account_id = ? AND deleted_at IS NULL', [
      id,
      accountId,
    ]);
    if (!journey) return undefined;
    const rows = await this.sql.all<{ version: number | string; created_at: TimestampValue }>(
      `SELECT version, created_at FROM journey_versions WHERE journey_id = ? AND version < ? ORDER BY version DESC LIMIT ?`,
      [id, page.before ?? Number.MAX_SAFE_INTEGER, page.limit],
    );
    return rows.map((r) => ({ version: Number(r.version), createdAt: readTimestamp(r.created_at) }));
  }

  /** Which of `ids` (at most a journey's steps) are integrations of the account. */
  async ownedIntegrations(accountId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.sql.all<{ id: string }>(
      `SELECT id FROM esp_integrations WHERE account_id = ? AND id IN (${this.sql.dialect.placeholders(ids.length)})`,
      [accountId, ...ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Marks the journey deleted (its versions stay, for the runs that use them); answers whether it was there. */
  async softDelete(accountId: string, id: string): Promise<boolean> {
    const now = this.sql.dialect.timestamp(new Date());
    return (
      (await this.sql.run('UPDATE journeys SET deleted_at = ?, updated_at = ? WHERE id = ? AND account_id = ? AND deleted_at IS NULL', [
        now,
        now,
        id,
        accountId,
      ])) > 0
    );
  }
}

function toView(row: VersionRow): JourneyView {
  return {
    id: row.id,
    accountId: row.account_id,
    projectId: row.project_id,
    name: row.name,
    version: Number(row.version),
    definition: JSON.parse(row.definition) as JourneyDefinition,
    createdAt: readTimestamp(row.created_at),
  };
}
