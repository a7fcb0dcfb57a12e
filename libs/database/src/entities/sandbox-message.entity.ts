import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * What the built-in sandbox ESP accepted; one row per idempotency key, owned by the account whose
 * sendout (or integration test) sent it. Reads and writes go through SandboxMessagesRepository.
 */
@Entity('sandbox_messages')
export class SandboxMessageEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId: string;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 191 })
  idempotencyKey: string;

  @Column({ type: 'varchar', length: 320, nullable: true })
  recipient: string | null;

  @Column({ type: 'text' })
  payload: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
