import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ContactsRepository, SegmentEntity, SegmentsRepository } from '@sendgate/database';
import { SegmentFilter, validateSegmentFilter } from '@sendgate/domain';
import { badRequest } from '../common/validation';
import { notFound } from '../common/not-found';

@Injectable()
export class SegmentsService {
  constructor(
    private readonly segments: SegmentsRepository,
    private readonly contacts: ContactsRepository,
  ) {}

  async create(accountId: string, name: string, filter: SegmentFilter) {
    const errors = validateSegmentFilter(filter);
    if (errors.length > 0) throw badRequest(errors);
    const segment = { id: randomUUID(), accountId, name, filter };
    await this.segments.insert(segment);
    return this.get(accountId, segment.id);
  }

  async get(accountId: string, id: string, field?: string): Promise<SegmentEntity> {
    const segment = await this.segments.find(accountId, id);
    if (!segment) throw notFound('segment', id, field);
    return segment;
  }

  async count(accountId: string, id: string): Promise<{ id: string; count: number }> {
    const segment = await this.get(accountId, id);
    return { id, count: await this.contacts.countSegment(accountId, segment.filter) };
  }
}
