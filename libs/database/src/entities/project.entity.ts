import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { GateAction } from '@sendgate/domain';
import { jsonText } from './transformers';

/** The email API's defaults for sends through this project: its integration and gate. */
export interface ProjectEmailDefaults {
  integrationId: string;
  gate?: { enabled: boolean; timeoutMs?: number };
}

@Entity('projects')
export class ProjectEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'gate_actions', type: 'text', nullable: true, transformer: jsonText })
  gateActions: GateAction[] | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'email_defaults', type: 'text', nullable: true, transformer: jsonText })
  emailDefaults: ProjectEmailDefaults | null;
}
