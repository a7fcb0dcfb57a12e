import { DataSource } from 'typeorm';
import { SecretBox } from '@sendgate/crypto';
import {
  EspIntegrationEntity, GateRepository, MessagesRepository, ProjectEntity, RateLimiter, SegmentEntity, SendGateEndpointEntity, SendoutEntity, Sql,
} from '@sendgate/database';
import { EspClient, TokenCache } from '@sendgate/esp';
import { GateNotifier, GateUris } from '@sendgate/gate';

/** What the sendout activities need from the outside world; the worker's Nest context provides it. */
export interface SendoutActivityDeps {
  sql: Sql;
  messages: MessagesRepository;
  gates: GateRepository;
  esp: EspClient;
  /** OAuth2 access tokens per integration, shared by every send of this worker. */
  tokens: TokenCache;
  /** Messages-per-second limits per integration, shared with every other worker through the database. */
  limiter: RateLimiter;
  gateUris: GateUris;
  notifier: GateNotifier;
  secrets: SecretBox;
}

export function repositories(dataSource: DataSource) {
  return {
    sendouts: dataSource.getRepository(SendoutEntity),
    projects: dataSource.getRepository(ProjectEntity),
    segments: dataSource.getRepository(SegmentEntity),
    integrations: dataSource.getRepository(EspIntegrationEntity),
    gateEndpoints: dataSource.getRepository(SendGateEndpointEntity),
  };
}
