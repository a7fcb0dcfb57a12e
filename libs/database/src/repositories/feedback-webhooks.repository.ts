import { IsNull } from 'typeorm';
import { FeedbackWebhookEntity } from '../entities/feedback-webhook.entity';
import { Sql } from '../sql';

export type FeedbackWebhookChanges = Partial<Omit<FeedbackWebhookEntity, 'id' | 'accountId' | 'createdAt' | 'updatedAt' | 'deletedAt'>>;

/** Feedback webhooks as stored (secrets arrive and leave sealed), and which of them each sendout reports to. */
export class FeedbackWebhooksRepository {
  constructor(private readonly sql: Sql) {}

  private get rows() {
    return this.sql.dataSource.getRepository(FeedbackWebhookEntity);
  }

  async insert(webhook: Partial<FeedbackWebhookEntity>): Promise<void> {
    await this.rows.insert(webhook);
  }

  /** A webhook of the account that is not deleted. */
  async find(accountId: string, id: string): Promise<FeedbackWebhookEntity | undefined> {
    return (await this.rows.findOneBy({ id, accountId, deletedAt: IsNull() })) ?? undefined;
  }

  /** The account's webhooks, oldest first. */
  async list(accountId: string): Promise<FeedbackWebhookEntity[]> {
    return this.rows.find({ where: { accountId, deletedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Webhooks by id, deleted ones included (the dispatcher settles their pending deliveries). */
  async findByIds(ids: string[]): Promise<FeedbackWebhookEntity[]> {
    if (ids.length === 0) return [];
    return this.sql.dataSource.getRepository(FeedbackWebhookEntity).createQueryBuilder('w').where('w.id IN (:...ids)', { ids }).getMany();
  }

  async update(accountId: string, id: string, changes: FeedbackWebhookChanges): Promise<void> {
    await this.rows.update({ id, accountId, deletedAt: IsNull() }, changes);
  }

  /** Soft delete: the delivery history stays readable; nothing more is delivered. */
  async delete(accountId: string, id: string): Promise<boolean> {
    const result = await this.rows.update({ id, accountId, deletedAt: IsNull() }, { deletedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  async forSendout(sendoutId: string): Promise<string[]> {
    const rows = await this.sql.all<{ webhook_id: string }>(
      'SELECT webhook_id FROM sendout_feedback_webhooks WHERE sendout_id = ? ORDER BY webhook_id',
      [sendoutId],
    );
    return rows.map((r) => r.webhook_id);
  }
}
