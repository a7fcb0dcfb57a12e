import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

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

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
