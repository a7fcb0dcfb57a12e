import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Sql } from '@sendgate/database';
import { Public } from '../auth/auth.guard';

/**
 * The built-in sandbox ESP, so a first sendout needs no outside service. It accepts any JSON,
 * keeps one row per Idempotency-Key (a repeated key is accepted again, not stored twice).
 */
@ApiTags('sandbox')
@Controller('sandbox/esp')
export class SandboxEspController {
  constructor(private readonly sql: Sql) {}

  @Public()
  @Post('messages')
  @HttpCode(200)
  async accept(@Headers('idempotency-key') key: string | undefined, @Body() body: unknown) {
    if (!key) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'the Idempotency-Key header is required', field: 'Idempotency-Key' });
    if (typeof body !== 'object' || body === null) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'the body must be a JSON object' });
    const to = (body as Record<string, unknown>).to;
    await this.sql.run(
      `${this.sql.dialect.insertIgnore} INTO sandbox_messages (idempotency_key, recipient, payload, created_at) VALUES (?, ?, ?, ?)`,
      [key.slice(0, 191), typeof to === 'string' ? to.slice(0, 320) : null, JSON.stringify(body), this.sql.dialect.timestamp(new Date())],
    );
    return { messageId: `sandbox-${key}`, status: 'ACCEPTED' };
  }

  /** The most recent messages the sandbox accepted. */
  @ApiBearerAuth()
  @Get('messages')
  async list(@Query('limit') limit?: string) {
    const take = Math.min(Math.max(Number(limit) || 20, 1), 500);
    const rows = await this.sql.all<{ idempotency_key: string; recipient: string | null; payload: string; created_at: string }>(
      'SELECT idempotency_key, recipient, payload, created_at FROM sandbox_messages ORDER BY id DESC LIMIT ?',
      [take],
    );
    return {
      messages: rows.map((r) => ({ idempotencyKey: r.idempotency_key, to: r.recipient, payload: JSON.parse(r.payload), receivedAt: r.created_at })),
    };
  }
}
