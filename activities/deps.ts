import { DataSource } from 'typeorm';
import { EspIntegrationEntity, MessagesRepository, SegmentEntity, SendoutEntity, Sql } from '@sendgate/database';
import { EspClient } from '@sendgate/esp';

/** What the sendout activities need from the outside world; the worker's Nest context provides it. */
export interface SendoutActivityDeps {
  sql: Sql;
  messages: MessagesRepository;
  esp: EspClient;
}

export function repositories(dataSource: DataSource) {
  return {
    sendouts: dataSource.getRepository(SendoutEntity),
    segments: dataSource.getRepository(SegmentEntity),
    integrations: dataSource.getRepository(EspIntegrationEntity),
  };
}
