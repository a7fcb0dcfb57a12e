import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { SegmentFilter } from '@sendgate/domain';
import { jsonText } from './transformers';

@Entity('segments')
export class SegmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text', transformer: jsonText })
  filter: SegmentFilter;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
