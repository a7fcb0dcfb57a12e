import { AccountEntity } from './account.entity';
import { ApiKeyEntity } from './api-key.entity';
import { ContactEntity } from './contact.entity';
import { EmailBulkEntity } from './email-bulk.entity';
import { EspIntegrationEntity } from './esp-integration.entity';
import { FeedbackWebhookEntity } from './feedback-webhook.entity';
import { MessageEntity } from './message.entity';
import { ProjectEntity } from './project.entity';
import { SandboxMessageEntity } from './sandbox-message.entity';
import { SegmentEntity } from './segment.entity';
import { SendoutEntity } from './sendout.entity';
import { SendGateEndpointEntity } from './send-gate-endpoint.entity';
import { SendoutGateEntity } from './sendout-gate.entity';

export * from './account.entity';
export * from './api-key.entity';
export * from './contact.entity';
export * from './email-bulk.entity';
export * from './esp-integration.entity';
export * from './feedback-webhook.entity';
export * from './message.entity';
export * from './project.entity';
export * from './sandbox-message.entity';
export * from './segment.entity';
export * from './sendout.entity';
export * from './send-gate-endpoint.entity';
export * from './sendout-gate.entity';

export const ENTITIES = [
  AccountEntity,
  ApiKeyEntity,
  ProjectEntity,
  ContactEntity,
  SegmentEntity,
  EspIntegrationEntity,
  SendoutEntity,
  MessageEntity,
  SandboxMessageEntity,
  SendGateEndpointEntity,
  SendoutGateEntity,
  FeedbackWebhookEntity,
  EmailBulkEntity,
];
