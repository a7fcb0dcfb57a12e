import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { MessageState } from '@sendgate/domain';
import { bigintNumber } from './transformers';

/** One message per (sendout, contact). Hot paths use set-based SQL in MessagesRepository. */
@Entity('messages')
export class MessageEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'sendout_id', type: 'varchar', length: 36 })
  sendoutId: string;

  @Column({ name: 'contact_id', type: 'bigint', transformer: bigintNumber })
  contactId: number;

  @Column({ type: 'varchar', length: 16 })
  state: MessageState;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 100 })
  idempotencyKey: string;

  @Column({ name: 'esp_message_id', type: 'varchar', length: 255, nullable: true })
  espMessageId: string | null;

  @Column({ type: 'int' })
  attempts: number;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;

  @Column({ name: 'sent_at', type: 'datetime', nullable: true })
  sentAt: Date | null;
}
