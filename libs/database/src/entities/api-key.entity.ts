import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { jsonText } from './transformers';

/** Which project (and integration) the email API sends through for this key. */
export interface KeyEmailDefaults {
  projectId: string;
  integrationId?: string;
}

/** Only the SHA-256 of a key is stored; the prefix lets people tell keys apart. */
@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId: string;

  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  @Column({ name: 'key_prefix', type: 'varchar', length: 16 })
  keyPrefix: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'datetime', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'email_defaults', type: 'text', nullable: true, transformer: jsonText })
  emailDefaults: KeyEmailDefaults | null;
}
