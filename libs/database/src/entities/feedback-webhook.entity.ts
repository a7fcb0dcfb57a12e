import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { jsonText } from './transformers';

export interface StoredFeedbackHeader {
  key: string;
  secret: boolean;
  /** Sealed when `secret`. */
  value: string;
}

/** Non-secret JWT settings; the secret or private key is sealed in `authSecret`. */
export interface FeedbackJwtSettings {
  algorithm: 'HS256' | 'RS256' | 'ES256';
  issuer?: string;
  audience?: string;
  expiresInSeconds?: number;
}

/** Where an account's message feedback events are delivered, and how they are signed. */
@Entity('feedback_webhooks')
export class FeedbackWebhookEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** 'email', 'sms' or 'email,sms'. */
  @Column({ type: 'varchar', length: 16 })
  channels: string;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** 'none' | 'jwt' */
  @Column({ name: 'auth_type', type: 'varchar', length: 8 })
  authType: string;

  @Column({ name: 'auth_settings', type: 'text', nullable: true, transformer: jsonText })
  authSettings: FeedbackJwtSettings | null;

  /** SecretBox-sealed JWT secret (HS256) or PKCS#8 private key (RS256, ES256). */
  @Column({ name: 'auth_secret', type: 'text', nullable: true })
  authSecret: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  headers: StoredFeedbackHeader[] | null;

  /** 1: one event per request, the body the event itself; more: the body a JSON array of up to this many events. */
  @Column({ name: 'max_events_per_request', type: 'int', default: 1 })
  maxEventsPerRequest: number;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;

  /** Deleted webhooks stay for their delivery history; nothing more is delivered to them. */
  @Column({ name: 'deleted_at', type: 'datetime', nullable: true })
  deletedAt: Date | null;
}
