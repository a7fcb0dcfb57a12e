import { Injectable } from '@nestjs/common';
import { Suppression, SuppressionsRepository } from '@sendgate/database';
import { Channel, suppressionAddress } from '@sendgate/domain';
import { notFound } from '../common/not-found';
import { badRequest } from '../common/validation';
import {
  CreateSuppressionDto,
  ImportSuppressionsAnswerDto,
  ImportSuppressionsQuery,
  ListSuppressionsQuery,
  SuppressionDto,
  SuppressionsPageDto,
} from './dto/suppression.dto';
import { parseImport } from './suppression-import';

const DEFAULT_PAGE = 100;

/**
 * The operator's side of the suppression lists: add, look up, list, remove, import. Every address
 * is normalised before it is stored or looked up (suppressionAddress), so `Ada@Example.com` finds
 * `ada@example.com`; every query is the account's own.
 */
@Injectable()
export class SuppressionsService {
  constructor(private readonly suppressions: SuppressionsRepository) {}

  /** Adds the address unless it is suppressed already (its first entry stays); answers the entry and whether it is new. */
  async add(accountId: string, dto: CreateSuppressionDto): Promise<{ created: boolean; suppression: SuppressionDto }> {
    const address = normalised(dto.channel, dto.address);
    const added = await this.suppressions.add(accountId, [
      { channel: dto.channel, address, reason: dto.reason ?? 'manual', source: dto.source ?? null },
    ]);
    return { created: added > 0, suppression: await this.find(accountId, dto.channel, address) };
  }

  get(accountId: string, channel: Channel, address: string): Promise<SuppressionDto> {
    return this.find(accountId, channel, normalised(channel, address));
  }

  /** A keyset page over the entries' ids, oldest first. */
  async list(accountId: string, query: ListSuppressionsQuery): Promise<SuppressionsPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE;
    // One row more than asked for tells whether there is a next page.
    const rows = await this.suppressions.list(accountId, {
      afterId: query.after ?? 0,
      limit: limit + 1,
      channel: query.channel,
      reason: query.reason,
    });
    const page = rows.slice(0, limit);
    return { results: page.map(toView), next: rows.length > limit ? page[page.length - 1].id : null };
  }

  async remove(accountId: string, channel: Channel, address: string): Promise<void> {
    const normal = normalised(channel, address);
    if (!(await this.suppressions.remove(accountId, channel, normal))) throw notFound(`suppression of ${channel}`, normal, 'address');
  }

  /** Imports the valid lines of an NDJSON or CSV body (see parseImport); the invalid ones are counted and skipped. */
  async import(
    accountId: string,
    text: string,
    format: 'ndjson' | 'csv',
    query: ImportSuppressionsQuery,
  ): Promise<ImportSuppressionsAnswerDto> {
    const batch = parseImport(text, format, { channel: query.channel, reason: query.reason ?? 'manual', source: query.source ?? null });
    const added = await this.suppressions.add(accountId, batch.entries);
    return {
      received: batch.received,
      added,
      alreadySuppressed: batch.entries.length - added,
      invalid: batch.invalid,
      errors: batch.errors,
    };
  }

  private async find(accountId: string, channel: Channel, address: string): Promise<SuppressionDto> {
    const found = await this.suppressions.find(accountId, channel, address);
    if (!found) throw notFound(`suppression of ${channel}`, address, 'address');
    return toView(found);
  }
}

function normalised(channel: Channel, address: string): string {
  const normal = suppressionAddress(channel, address);
  if ('problem' in normal) throw badRequest([{ field: 'address', message: normal.problem }]);
  return normal.address;
}

function toView(s: Suppression): SuppressionDto {
  return { channel: s.channel, address: s.address, reason: s.reason, source: s.source, createdAt: s.createdAt };
}
