import { Readable } from 'node:stream';
import { HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { GateRejectBatcher, GateRepository, MessagesRepository } from '@sendgate/database';
import { GateState, MessageState, gatePaths } from '@sendgate/domain';
import { GateClaims, GateUris } from '@sendgate/gate';
import { metrics } from '@sendgate/metrics';
import { SendoutWorkflowGateway } from '@sendgate/temporal';
import { parseGateData } from './gate-data-entries';

const ITEMS_PAGE = 1_000;

/**
 * What integrators do through the signed gate URIs, given the claims of their verified token. Every
 * decision is committed to the database before it is answered (a conditional UPDATE decides races),
 * then the workflow is signalled as a wake-up.
 */
@Injectable()
export class GateDecisionsService {
  private readonly logger = new Logger('SendGate');

  constructor(
    private readonly gates: GateRepository,
    private readonly rejects: GateRejectBatcher,
    private readonly messages: MessagesRepository,
    private readonly uris: GateUris,
    private readonly temporal: SendoutWorkflowGateway,
  ) {}

  async finish({ s: sendoutId }: GateClaims): Promise<{ state: GateState; accepted: number; rejected: number }> {
    const won = await this.gates.decide(sendoutId, GateState.ACCEPTED, 'integrator');
    if (won) {
      metrics.gateDecisions.inc({ decision: 'accepted' });
      await this.wake(sendoutId);
    }
    const gate = await this.gates.find(sendoutId);
    if (!gate) throw gone('this gate no longer exists');
    const expiredButOpen = gate.state === GateState.OPEN && gate.expiresAt.getTime() <= Date.now();
    if (gate.state !== GateState.ACCEPTED) {
      throw new HttpException(
        {
          statusCode: 409,
          error: 'Conflict',
          state: expiredButOpen ? GateState.TIMED_OUT : gate.state,
          message:
            `the gate is ${expiredButOpen ? 'timed out' : gate.state.toLowerCase().replace('_', ' ')}: ` +
            'the batch can no longer be accepted',
        },
        HttpStatus.CONFLICT,
      );
    }
    // Right after the accept the workflow has not yet released the GATED messages: they are accepted too.
    const counts = await this.messages.countByState(sendoutId);
    const paths = gatePaths(counts);
    return { state: GateState.ACCEPTED, accepted: paths.accepted + (counts[MessageState.GATED] ?? 0), rejected: paths.rejected };
  }

  /** Joins the next batch of rejects; answers once that batch has committed. */
  async reject({ s: sendoutId, m: messageId }: GateClaims, reason?: string): Promise<{ state: MessageState }> {
    const result = await this.rejects.reject(sendoutId, messageId!, reason ? `rejected at the send gate: ${reason}` : null);
    if (result.changed) metrics.gateDecisions.inc({ decision: 'rejected' });
    if (result.changed || result.state === MessageState.REJECTED) return { state: MessageState.REJECTED };
    if (!result.state) throw gone('this message no longer exists');
    throw new HttpException(
      { statusCode: 409, error: 'Conflict', state: result.state, message: `the message is ${result.state}: it can no longer be rejected` },
      HttpStatus.CONFLICT,
    );
  }

  /** Streams every contact of the batch with its own cancelUri, page by page (memory stays flat). */
  async items({ s: sendoutId }: GateClaims, format: 'ndjson' | 'csv'): Promise<Readable> {
    const gate = await this.gates.find(sendoutId);
    if (!gate) throw gone('this gate no longer exists');
    const { messages, uris } = this;
    async function* lines() {
      if (format === 'csv') yield 'id,email,phone,cancelUri\n';
      for (let after = 0; ;) {
        const page = await messages.contactsPage(sendoutId, after, ITEMS_PAGE);
        let chunk = '';
        for (const item of page) {
          const cancelUri = uris.reject(sendoutId, item.messageId, gate!.expiresAt);
          chunk +=
            format === 'csv'
              ? `${csv(item.externalId)},${csv(item.email)},${csv(item.phone)},${cancelUri}\n`
              : `${JSON.stringify({ id: item.externalId, ...contactOf(item), cancelUri })}\n`;
        }
        if (chunk) yield chunk;
        if (page.length < ITEMS_PAGE) return;
        after = page[page.length - 1].messageId;
      }
    }
    return Readable.from(lines());
  }

  /** Attaches integrator data to contacts (by their original id) while the gate is open. */
  async attachData({ s: sendoutId }: GateClaims, entries: unknown): Promise<{ received: number }> {
    const gate = await this.gates.find(sendoutId);
    if (!gate) throw gone('this gate no longer exists');
    if (gate.state !== GateState.OPEN) {
      throw new HttpException(
        { statusCode: 409, error: 'Conflict', state: gate.state, message: 'data can only be attached while the gate is open' },
        HttpStatus.CONFLICT,
      );
    }
    const parsed = parseGateData(entries);
    await this.gates.upsertGateData(sendoutId, parsed);
    return { received: parsed.length };
  }

  private async wake(sendoutId: string): Promise<void> {
    try {
      await this.temporal.signalGateDecided(sendoutId);
    } catch (error) {
      // The decision is committed; the workflow reads it at its deadline at the latest.
      this.logger.warn(`could not wake sendout ${sendoutId}: ${(error as Error).message}`);
    }
  }
}

function gone(message: string): HttpException {
  return new HttpException({ statusCode: 410, error: 'Gone', message }, HttpStatus.GONE);
}

/** The email and phone of an item, only those it has. */
function contactOf(item: { email: string | null; phone: string | null }): { email?: string; phone?: string } {
  return { ...(item.email ? { email: item.email } : {}), ...(item.phone ? { phone: item.phone } : {}) };
}

function csv(value: string | null): string {
  if (value === null) return '';
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
