import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { GateAction, MessageContent, SendoutAudience, SendoutStage } from '@sendgate/domain';
import { bigintNumber, jsonText } from './transformers';

@Entity('sendouts')
export class SendoutEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId: string;

  @Column({ name: 'project_id', type: 'varchar', length: 36 })
  projectId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: string;

  @Column({ name: 'segment_id', type: 'varchar', length: 36, nullable: true })
  segmentId: string | null;

  /** External contact ids of a sendout addressed to a list instead of a segment. */
  @Column({ name: 'contact_ids', type: 'text', nullable: true, transformer: jsonText })
  contactIds: string[] | null;

  @Column({ name: 'integration_id', type: 'varchar', length: 36 })
  integrationId: string;

  @Column({ type: 'text', transformer: jsonText })
  content: MessageContent;

  @Column({ type: 'varchar', length: 16 })
  stage: SendoutStage;

  @Column({ name: 'workflow_id', type: 'varchar', length: 100 })
  workflowId: string;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;

  @Column({ name: 'completed_at', type: 'datetime', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'varchar', length: 16 })
  mode: string;

  @Column({ name: 'journey_name', type: 'varchar', length: 200, nullable: true })
  journeyName: string | null;

  @Column({ name: 'gate_enabled', type: 'boolean' })
  gateEnabled: boolean;

  @Column({ name: 'gate_timeout_ms', type: 'bigint', nullable: true, transformer: bigintNumber })
  gateTimeoutMs: number | null;

  @Column({ name: 'gate_split', type: 'boolean' })
  gateSplit: boolean;

  /** The sendout's own gate actions (merged after the project's when the gate opens). */
  @Column({ name: 'gate_actions', type: 'text', nullable: true, transformer: jsonText })
  gateActions: GateAction[] | null;

  @Column({ name: 'send_at', type: 'datetime', nullable: true })
  sendAt: Date | null;

  /** The client's Idempotency-Key, unique per account: a retried POST answers this sendout. */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null;

  /** SHA-256 of the request that came with the key: the same key with another body is refused. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64, nullable: true })
  requestHash: string | null;

  /** When the workflow's start was confirmed; null while a CREATED sendout may still lack one. */
  @Column({ name: 'workflow_started_at', type: 'datetime', nullable: true })
  workflowStartedAt: Date | null;

  /** Whether its messages' status changes are reported to feedback webhooks (sendout_feedback_webhooks names which). */
  @Column({ name: 'feedback_enabled', type: 'boolean', default: false })
  feedbackEnabled: boolean;

  /** The journey run whose step this sendout is (null for a sendout of its own). */
  @Column({ name: 'journey_run_id', type: 'varchar', length: 36, nullable: true })
  journeyRunId: string | null;

  @Column({ name: 'journey_step_id', type: 'varchar', length: 64, nullable: true })
  journeyStepId: string | null;

  /** A journey step's audience, resolved at generation (set instead of segmentId and contactIds). */
  @Column({ type: 'text', nullable: true, transformer: jsonText })
  audience: SendoutAudience | null;
  /** The campaign whose execution this sendout is (null for any other sendout). */
  @Column({ name: 'campaign_id', type: 'varchar', length: 36, nullable: true })
  campaignId: string | null;

  /** The campaign step it executes. */
  @Column({ name: 'campaign_step_id', type: 'varchar', length: 64, nullable: true })
  campaignStepId: string | null;

  /** Generation skips the `unsubscribed` suppressions (a transactional send that opts out of them). */
  @Column({ name: 'ignore_unsubscribes', type: 'boolean', default: false })
  ignoreUnsubscribes: boolean;
}
