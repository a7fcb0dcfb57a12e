import { SegmentFilter } from '@sendgate/domain';
import { SegmentEntity } from '../entities/segment.entity';
import { Sql } from '../sql';

/** Segments (a name and a filter); who matches is the contacts repository's question. */
export class SegmentsRepository {
  constructor(private readonly sql: Sql) {}

  private get rows() {
    return this.sql.dataSource.getRepository(SegmentEntity);
  }

  async insert(segment: { id: string; accountId: string; name: string; filter: SegmentFilter }): Promise<void> {
    await this.rows.insert(segment);
  }

  async find(accountId: string, id: string): Promise<SegmentEntity | undefined> {
    return (await this.rows.findOneBy({ id, accountId })) ?? undefined;
  }

  /** Any account's segment, for the workflow's activities. */
  async findById(id: string): Promise<SegmentEntity | undefined> {
    return (await this.rows.findOneBy({ id })) ?? undefined;
  }
}
