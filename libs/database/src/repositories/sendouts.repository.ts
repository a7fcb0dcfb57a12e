/**
 * The one writer of the sendouts table. Rows are read as entities (their JSON columns come back
 * parsed); stage moves are plain UPDATEs by id, so the API and any worker can make them.
 */
import { FINISHED_STAGES, SendoutStage, isFinished } from '@sendgate/domain';
import { EntityManager } from 'typeorm';
import { SendoutEntity } from '../entities/sendout.entity';
import { Sql, inTransaction } from '../sql';

/** Inserts a sendout and the webhooks it reports to, inside the caller's transaction. */
export async function insertSendoutRows(
  manager: EntityManager,
  sendout: Partial<SendoutEntity>,
  feedbackWebhookIds: string[],
): Promise<void> {
  await manager.getRepository(SendoutEntity).insert(sendout);
  if (feedbackWebhookIds.length === 0) return;
  await manager.query(
    `INSERT INTO sendout_feedback_webhooks (sendout_id, webhook_id) VALUES ${feedbackWebhookIds.map(() => '(?, ?)').join(', ')}`,
    feedbackWebhookIds.flatMap((webhookId) => [sendout.id, webhookId]),
  );
}

export class SendoutsRepository {
  constructor(private readonly sql: Sql) {}

  private get rows() {
    return this.sql.dataSource.getRepository(SendoutEntity);
  }

  /**
   * Stores a new sendout. Answers false, storing nothing, when its id is taken (a concurrent retry
   * of the same request inserted it first); any other refusal is thrown.
   */
  async insert(sendout: Partial<SendoutEntity>, feedbackWebhookIds: string[] = []): Promise<boolean> {
    try {
      if (feedbackWebhookIds.length === 0) await this.rows.insert(sendout);
      else {
        // the sendout and the webhooks it reports to are stored together, or neither is
        await inTransaction(this.sql.dataSource, (manager) => insertSendoutRows(manager, sendout, feedbackWebhookIds));
      }
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** The account's sendout: another account's id is as absent as an unknown one. */
  async find(accountId: string, id: string): Promise<SendoutEntity | undefined> {
    return (await this.rows.findOneBy({ id, accountId })) ?? undefined;
  }

  /** Any account's sendout, for the workflow's activities (which get ids the API already checked). */
  async findById(id: string): Promise<SendoutEntity | undefined> {
    return (await this.rows.findOneBy({ id })) ?? undefined;
  }

  /** Whether the sendout reports its messages' status changes to feedback webhooks (false for an unknown id). */
  async feedbackEnabled(id: string): Promise<boolean> {
    const row = await this.sql.one<{ feedback_enabled: number | boolean }>('SELECT feedback_enabled FROM sendouts WHERE id = ?', [id]);
    return Boolean(row?.feedback_enabled);
  }

  /** Moves the sendout to `stage`; a finished stage also stamps completed_at. */
  async markStage(id: string, stage: SendoutStage, lastError?: string): Promise<void> {
    const now = this.sql.dialect.timestamp(new Date());
    const sets = ['stage = ?', 'updated_at = ?'];
    const params: unknown[] = [stage, now];
    if (isFinished(stage)) {
      sets.push('completed_at = ?');
      params.push(now);
    }
    if (lastError !== undefined) {
      sets.push('last_error = ?');
      params.push(lastError);
    }
    await this.sql.run(`UPDATE sendouts SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
  }

  /** Moves the sendout from `from` to `to` only if it is still in `from`; answers whether it moved. */
  async markStageFrom(id: string, from: SendoutStage, to: SendoutStage): Promise<boolean> {
    const now = this.sql.dialect.timestamp(new Date());
    return (await this.sql.run('UPDATE sendouts SET stage = ?, updated_at = ? WHERE id = ? AND stage = ?', [to, now, id, from])) > 0;
  }

  /**
   * A cancelled journey run's step sendouts that were stored but whose child workflow never
   * started: they end CANCELED (nothing was generated for them). Answers how many.
   */
  async cancelUnstartedOfRun(journeyRunId: string): Promise<number> {
    const now = this.sql.dialect.timestamp(new Date());
    return this.sql.run('UPDATE sendouts SET stage = ?, completed_at = ?, updated_at = ? WHERE journey_run_id = ? AND stage = ?', [
      SendoutStage.CANCELED,
      now,
      now,
      journeyRunId,
      SendoutStage.CREATED,
    ]);
  }

  /** FAILED because its workflow never started: it never ran, so it has no completion time. */
  async markNotStarted(id: string, lastError: string): Promise<void> {
    await this.sql.run('UPDATE sendouts SET stage = ?, last_error = ?, updated_at = ? WHERE id = ?', [
      SendoutStage.FAILED,
      lastError,
      this.sql.dialect.timestamp(new Date()),
      id,
    ]);
  }

  /** The workflow's start is confirmed: the reconciler leaves the sendout alone. */
  async markWorkflowStarted(id: string): Promise<void> {
    await this.sql.run('UPDATE sendouts SET workflow_started_at = ? WHERE id = ? AND workflow_started_at IS NULL', [
      this.sql.dialect.timestamp(new Date()),
      id,
    ]);
  }

  /**
   * Sendouts stored before `createdBefore` whose workflow start was never confirmed (the API
   * stopped between storing and starting), oldest first.
   */
  async findUnstarted(createdBefore: Date, limit: number): Promise<SendoutEntity[]> {
    const ids = await this.sql.all<{ id: string }>(
      `SELECT id FROM sendouts WHERE stage = ? AND workflow_started_at IS NULL AND created_at < ? ORDER BY created_at LIMIT ?`,
      [SendoutStage.CREATED, this.sql.dialect.timestamp(createdBefore), limit],
    );
    return ids.length === 0 ? [] : this.rows.find({ where: ids.map(({ id }) => ({ id })), order: { createdAt: 'ASC' } });
  }

  /** How many unfinished sendouts send through the integration (one read of the (integration_id, stage) index). */
  async countRunningWithIntegration(integrationId: string): Promise<number> {
    const row = await this.sql.one<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM sendouts
       WHERE integration_id = ? AND stage NOT IN (${this.sql.dialect.placeholders(FINISHED_STAGES.length)})`,
      [integrationId, ...FINISHED_STAGES],
    );
    return Number(row?.n ?? 0);
  }
}

/** A primary or unique key collision, on MySQL/MariaDB or SQLite. */
export function isDuplicateKey(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string } }).driverError;
  const code = driverError?.code ?? (error as { code?: string }).code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
