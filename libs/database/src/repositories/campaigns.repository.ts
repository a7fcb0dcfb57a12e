/**
 * Campaigns and their executions. A campaign row holds its steps as given; the Temporal Schedules
 * of the steps are the API's to make. Every execution is a sendout naming the campaign and the step
 * (campaign_id, campaign_step_id), so a campaign's executions are one read of (campaign_id,
 * created_at), and their message counts one grouped query over the page's sendouts.
 */
import { CampaignState, CampaignStep, MessageCounts, MessageState, SendoutStage } from '@sendgate/domain';
import { Sql, readTimestamp } from '../sql';

export interface CampaignView {
  id: string;
  accountId: string;
  projectId: string;
  name: string;
  segmentId: string;
  state: CampaignState;
  steps: CampaignStep[];
  createdAt: Date;
  updatedAt: Date;
}

/** One execution of a step: its sendout, its gate, and its messages counted by state. */
export interface CampaignExecution {
  sendoutId: string;
  stepId: string;
  name: string;
  stage: SendoutStage;
  gateEnabled: boolean;
  gateTimeoutMs: number | null;
  gateState: string | null;
  createdAt: Date;
  completedAt: Date | null;
  counts: MessageCounts;
}

type TimestampValue = Date | string;
interface CampaignRow {
  id: string;
  account_id: string;
  project_id: string;
  name: string;
  segment_id: string;
  state: string;
  steps: string;
  created_at: TimestampValue;
  updated_at: TimestampValue;
}
interface ExecutionRow {
  id: string;
  campaign_step_id: string;
  name: string;
  stage: string;
  gate_enabled: number | boolean;
  gate_timeout_ms: number | string | null;
  gate_state: string | null;
  created_at: TimestampValue;
  completed_at: TimestampValue | null;
}

const CAMPAIGN_COLUMNS = 'id, account_id, project_id, name, segment_id, state, steps, created_at, updated_at';

export class CampaignsRepository {
  constructor(private readonly sql: Sql) {}

  async create(campaign: {
    id: string;
    accountId: string;
    projectId: string;
    name: string;
    segmentId: string;
    state: CampaignState;
    steps: CampaignStep[];
  }): Promise<void> {
    await this.sql.run('INSERT INTO campaigns (id, account_id, project_id, name, segment_id, state, steps) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      campaign.id,
      campaign.accountId,
      campaign.projectId,
      campaign.name,
      campaign.segmentId,
      campaign.state,
      JSON.stringify(campaign.steps),
    ]);
  }

  /** The account's campaign; another account's, or a deleted one, is as absent as an unknown one. */
  async find(accountId: string, id: string): Promise<CampaignView | undefined> {
    const row = await this.sql.one<CampaignRow>(
      `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ? AND account_id = ? AND deleted_at IS NULL`,
      [id, accountId],
    );
    return row && toView(row);
  }

  /** Any account's campaign, for an execution (its Schedule names only the id); a deleted one only when asked. */
  async findById(id: string, options: { includeDeleted?: boolean } = {}): Promise<CampaignView | undefined> {
    const row = await this.sql.one<CampaignRow>(
      `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ? ${options.includeDeleted ? '' : 'AND deleted_at IS NULL'}`,
      [id],
    );
    return row && toView(row);
  }

  /** The account's campaigns, newest first, `limit` at a time after the campaign `before` (keyset on (created_at, id)). */
  async list(accountId: string, page: { before?: string; limit: number }): Promise<CampaignView[]> {
    const params: unknown[] = [accountId];
    let after = '';
    if (page.before !== undefined) {
      const cursor = await this.sql.one<{ created_at: TimestampValue }>(
        'SELECT created_at FROM campaigns WHERE id = ? AND account_id = ?',
        [page.before, accountId],
      );
      if (!cursor) return [];
      after = 'AND (created_at < ? OR (created_at = ? AND id < ?))';
      params.push(cursor.created_at, cursor.created_at, page.before);
    }
    const rows = await this.sql.all<CampaignRow>(
      `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE account_id = ? AND deleted_at IS NULL ${after}
       ORDER BY created_at DESC, id DESC LIMIT ?`,
      [...params, page.limit],
    );
    return rows.map(toView);
  }

  /** Sets ACTIVE or PAUSED; answers whether the account has such a campaign. */
  async setState(accountId: string, id: string, state: CampaignState): Promise<boolean> {
    const row = await this.sql.one<{ id: string }>('SELECT id FROM campaigns WHERE id = ? AND account_id = ? AND deleted_at IS NULL', [
      id,
      accountId,
    ]);
    if (!row) return false;
    await this.sql.run('UPDATE campaigns SET state = ?, updated_at = ? WHERE id = ? AND account_id = ? AND deleted_at IS NULL', [
      state,
      this.sql.dialect.timestamp(new Date()),
      id,
      accountId,
    ]);
    return true;
  }

  /** Marks the campaign deleted (its executions stay, as sendouts); answers whether it was there. */
  async softDelete(accountId: string, id: string): Promise<boolean> {
    const now = this.sql.dialect.timestamp(new Date());
    return (
      (await this.sql.run('UPDATE campaigns SET deleted_at = ?, updated_at = ? WHERE id = ? AND account_id = ? AND deleted_at IS NULL', [
        now,
        now,
        id,
        accountId,
      ])) > 0
    );
  }

  /**
   * The campaign's executions, newest first, `limit` at a time after the execution `before` (a
   * sendout id; keyset on (created_at, id)), each with its messages counted by state: one read of
   * the page and one grouped count over its sendouts.
   */
  async executions(accountId: string, campaignId: string, page: { before?: string; limit: number }): Promise<CampaignExecution[]> {
    const params: unknown[] = [campaignId, accountId];
    let after = '';
    if (page.before !== undefined) {
      const cursor = await this.sql.one<{ created_at: TimestampValue }>(
        'SELECT created_at FROM sendouts WHERE id = ? AND campaign_id = ? AND account_id = ?',
        [page.before, campaignId, accountId],
      );
      if (!cursor) return [];
      after = 'AND (s.created_at < ? OR (s.created_at = ? AND s.id < ?))';
      params.push(cursor.created_at, cursor.created_at, page.before);
    }
    const rows = await this.sql.all<ExecutionRow>(
      `SELECT s.id, s.campaign_step_id, s.name, s.stage, s.gate_enabled, s.gate_timeout_ms, g.state AS gate_state,
              s.created_at, s.completed_at
       FROM sendouts s LEFT JOIN sendout_gates g ON g.sendout_id = s.id
       WHERE s.campaign_id = ? AND s.account_id = ? ${after}
       ORDER BY s.created_at DESC, s.id DESC LIMIT ?`,
      [...params, page.limit],
    );
    if (rows.length === 0) return [];
    const counted = await this.sql.all<{ sendout_id: string; state: MessageState; n: number | string }>(
      `SELECT sendout_id, state, COUNT(*) AS n FROM messages WHERE sendout_id IN (${this.sql.dialect.placeholders(rows.length)})
       GROUP BY sendout_id, state`,
      rows.map((r) => r.id),
    );
    const counts = new Map<string, MessageCounts>(rows.map((r) => [r.id, {}]));
    for (const c of counted) counts.get(c.sendout_id)![c.state] = Number(c.n);
    return rows.map((r) => ({
      sendoutId: r.id,
      stepId: r.campaign_step_id,
      name: r.name,
      stage: r.stage as SendoutStage,
      gateEnabled: Boolean(r.gate_enabled),
      gateTimeoutMs: r.gate_timeout_ms === null ? null : Number(r.gate_timeout_ms),
      gateState: r.gate_state,
      createdAt: readTimestamp(r.created_at),
      completedAt: r.completed_at === null ? null : readTimestamp(r.completed_at),
      counts: counts.get(r.id)!,
    }));
  }
}

function toView(row: CampaignRow): CampaignView {
  return {
    id: row.id,
    accountId: row.account_id,
    projectId: row.project_id,
    name: row.name,
    segmentId: row.segment_id,
    state: row.state as CampaignState,
    steps: JSON.parse(row.steps) as CampaignStep[],
    createdAt: readTimestamp(row.created_at),
    updatedAt: readTimestamp(row.updated_at),
  };
}
