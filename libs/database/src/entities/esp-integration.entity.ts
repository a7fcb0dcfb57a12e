import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { jsonText } from './transformers';

export interface StoredHeader {
  key: string;
  secret: boolean;
  /** The value in clear for a plain header, the SecretBox-sealed value for a secret one. */
  value: string;
}

export enum IntegrationStatus {
  DRAFT = 'DRAFT',
  ACTIVE = 'ACTIVE',
}

@Entity('esp_integrations')
export class EspIntegrationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 10 })
  channel: string;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  @Column({ name: 'payload_template', type: 'text' })
  payloadTemplate: string;

  @Column({ type: 'varchar', length: 16 })
  status: IntegrationStatus;

  @Column({ name: 'identifier_type', type: 'varchar', length: 16 })
  identifierType: string;

  /** Static request headers; a secret one keeps only its sealed value. */
  @Column({ type: 'text', nullable: true, transformer: jsonText })
  headers: StoredHeader[] | null;

  @Column({ name: 'message_id_path', type: 'varchar', length: 200, nullable: true })
  messageIdPath: string | null;

  @Column({ name: 'auth_type', type: 'varchar', length: 16 })
  authType: string;

  @Column({ name: 'auth_settings', type: 'text', nullable: true, transformer: jsonText })
  authSettings: Record<string, any> | null;

  /** SecretBox-sealed JSON of the auth secrets (password, client secret). */
  @Column({ name: 'auth_secrets', type: 'text', nullable: true })
  authSecrets: string | null;

  @Column({ name: 'rate_limit_per_second', type: 'int', nullable: true })
  rateLimitPerSecond: number | null;

  /** Part of the signed callback token: bumping it revokes the callback URL handed out before. */
  @Column({ name: 'callback_token_version', type: 'int', default: 1 })
  callbackTokenVersion: number;

  /** How the ESP's delivery callbacks read: a preset name or a custom mapping (see @sendgate/esp feedback-mapping). */
  @Column({ name: 'feedback_mapping', type: 'text', nullable: true, transformer: jsonText })
  feedbackMapping: Record<string, any> | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
