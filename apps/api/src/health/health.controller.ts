import { Controller, Get, HttpStatus, Logger, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { DatabaseHealth } from '@sendgate/database';
import { SendoutWorkflowGateway } from '@sendgate/temporal';
import { Public } from '../auth/auth.guard';
import { LiveDto, ReadinessDto } from './dto/health.dto';

const CHECK_TIMEOUT_MS = 3_000;
const logger = new Logger('Health');

type CheckState = 'up' | 'down';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseHealth,
    private readonly temporal: SendoutWorkflowGateway,
  ) {}

  @Get('live')
  @ApiOkResponse({ type: LiveDto })
  live(): LiveDto {
    return { status: 'ok' };
  }

  /** Ready when the database answers and Temporal answers; 503 naming what is down otherwise (why is in the log, not the answer). */
  @Get('ready')
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ type: ReadinessDto, description: 'a dependency is down' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessDto> {
    const [database, temporal] = await Promise.all([
      check('database', () => this.database.ping()),
      check('temporal', () => this.temporal.ping()),
    ]);
    const ok = database === 'up' && temporal === 'up';
    reply.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'down', checks: { database, temporal } };
  }
}

async function check(name: string, probe: () => Promise<unknown>): Promise<CheckState> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS))),
    ]);
    return 'up';
  } catch (error) {
    logger.warn(`${name} is down: ${(error as Error).message}`);
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
