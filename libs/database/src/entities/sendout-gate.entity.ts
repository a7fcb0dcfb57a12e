import { Column, Entity, PrimaryColumn } from 'typeorm';
import { GateState } from '@sendgate/domain';

@Entity('sendout_gates')
export class SendoutGateEntity {
  @PrimaryColumn({ name: 'sendout_id', type: 'varchar', length: 36 })
  sendoutId: string;

  @Column({ type: 'varchar', length: 16 })
  state: GateState;

  @Column({ name: 'opened_at', type: 'datetime' })
  openedAt: Date;

  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt: Date;

  @Column({ name: 'decided_at', type: 'datetime', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'decided_by', type: 'varchar', length: 16, nullable: true })
  decidedBy: string | null;

  @Column({ name: 'notify_attempts', type: 'int' })
  notifyAttempts: number;

  @Column({ name: 'notified_at', type: 'datetime', nullable: true })
  notifiedAt: Date | null;

  @Column({ name: 'last_notify_error', type: 'text', nullable: true })
  lastNotifyError: string | null;
}
