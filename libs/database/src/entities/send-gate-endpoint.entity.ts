import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { jsonText } from './transformers';

/** One gate endpoint per account. `secrets` is a SecretBox-sealed JSON object, never stored in clear. */
@Entity('send_gate_endpoints')
export class SendGateEndpointEntity {
  @PrimaryColumn({ name: 'account_id', type: 'varchar', length: 36 })
  accountId: string;

  @Column({ type: 'varchar', length: 8 })
  transport: 'http' | 'sqs';

  @Column({ type: 'text', transformer: jsonText })
  settings: Record<string, any>;

  @Column({ type: 'text', nullable: true })
  secrets: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
