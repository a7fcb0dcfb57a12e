import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { jsonText } from './transformers';

/** What a request to the email API said beyond its content, kept for its reports and logs. */
export interface EmailEnvelope {
  from: string;
  replyTo?: string;
  cc?: string[];
  bcc?: string[];
  headers?: Record<string, string>;
  defaultPlaceholders?: Record<string, unknown>;
  /** track, trackClicks, trackOpens, intermediateReport, preserveRecipients: accepted and kept. */
  flags?: Record<string, boolean>;
}

/** One request to `POST /email/3/send`: a sendout of kind single, known to the client by its bulkId. */
@Entity('email_bulks')
export class EmailBulkEntity {
  @PrimaryColumn({ name: 'sendout_id', type: 'varchar', length: 36 })
  sendoutId: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId: string;

  @Column({ name: 'bulk_id', type: 'varchar', length: 100 })
  bulkId: string;

  @Column({ name: 'from_address', type: 'varchar', length: 320 })
  fromAddress: string;

  @Column({ type: 'text', transformer: jsonText })
  envelope: EmailEnvelope;

  @Column({ name: 'callback_data', type: 'text', nullable: true })
  callbackData: string | null;

  @Column({ name: 'notify_url', type: 'varchar', length: 2048, nullable: true })
  notifyUrl: string | null;

  @Column({ name: 'notify_content_type', type: 'varchar', length: 100, nullable: true })
  notifyContentType: string | null;

  @Column({ type: 'boolean', default: false })
  paused: boolean;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
