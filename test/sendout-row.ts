/** A stored sendout as tests write it straight to the database, every column given a plain default. */
import { randomUUID } from 'node:crypto';
import { SendoutStage } from '../libs/domain/src/states';
import { SendoutEntity } from '../libs/database/src/entities';

export function sendoutRow(fields: Pick<SendoutEntity, 'accountId' | 'integrationId'> & Partial<SendoutEntity>): Partial<SendoutEntity> {
  const id = fields.id ?? randomUUID();
  return {
    id,
    projectId: randomUUID(),
    name: 'test sendout',
    kind: 'batch',
    mode: 'journey',
    journeyName: null,
    segmentId: null,
    contactIds: null,
    content: { subject: 'Hi' },
    stage: SendoutStage.CREATED,
    workflowId: `sendout-${id}`,
    lastError: null,
    completedAt: null,
    gateEnabled: false,
    gateTimeoutMs: null,
    gateSplit: false,
    gateActions: null,
    sendAt: null,
    idempotencyKey: null,
    requestHash: null,
    ...fields,
  };
}
