import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { EspIntegrationEntity, IntegrationStatus } from '@sendgate/database';
import { PayloadTemplate, PayloadTemplateError } from '@sendgate/domain';
import { checkOutboundUrl } from '@sendgate/esp';
import { badRequest } from '../common/validation';
import { notFound } from '../common/not-found';
import { CreateIntegrationDto } from './dto/create-integration.dto';

@Injectable()
export class IntegrationsService {
  constructor(private readonly dataSource: DataSource, @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig) {}

  private get integrations() {
    return this.dataSource.getRepository(EspIntegrationEntity);
  }

  async create(accountId: string, dto: CreateIntegrationDto): Promise<EspIntegrationEntity> {
    const urlProblem = await checkOutboundUrl(dto.url, this.config.outbound.allowPrivateNetworks);
    if (urlProblem) throw badRequest([{ field: 'url', message: urlProblem }]);
    try {
      PayloadTemplate.compile(dto.payloadTemplate);
    } catch (error) {
      if (error instanceof PayloadTemplateError) throw badRequest(error.errors);
      throw error;
    }
    const integration = { id: randomUUID(), accountId, ...dto, status: IntegrationStatus.ACTIVE };
    await this.integrations.insert(integration);
    return this.get(accountId, integration.id);
  }

  async get(accountId: string, id: string, field?: string): Promise<EspIntegrationEntity> {
    const integration = await this.integrations.findOneBy({ id, accountId });
    if (!integration) throw notFound('integration', id, field);
    return integration;
  }
}
