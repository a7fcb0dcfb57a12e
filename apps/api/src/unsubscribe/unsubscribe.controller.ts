import { Controller, Get, GoneException, HttpCode, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { UnsubscribeLinks } from '@sendgate/crypto';
import { SuppressionsRepository } from '@sendgate/database';
import { Public } from '../auth/auth.guard';
import { BodyLimit } from '../common/body-limits';
import { AcceptsForm } from '../common/body-parsers';
import { ApiErrorResponses } from '../common/error-body.dto';
import { AcceptsMultipart } from '../common/multipart';

/** What the recipient sees: fixed text, nothing of the request in it. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Unsubscribed</title>
</head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem">
<h1>You have been unsubscribed</h1>
<p>You will not receive these messages any more.</p>
</body>
</html>
`;

const HTML_ANSWER = { description: 'The "You have been unsubscribed" page', content: { 'text/html': { schema: { type: 'string' } } } };

/**
 * The unsubscribe link of every message (`{{ unsubscribe_url }}`, `${listUnsubscribe}`). No API
 * key: the signed token in the path is the credential and names the message. Following it lists
 * the message's address on its account's suppression list as `unsubscribed`; doing it again
 * changes nothing and answers the same. A token that is not one of ours is a 404 that says no
 * more, an expired one a 410.
 */
@ApiTags('unsubscribe')
@ApiErrorResponses()
@Public()
@Controller('u')
export class UnsubscribeController {
  constructor(
    private readonly links: UnsubscribeLinks,
    private readonly suppressions: SuppressionsRepository,
  ) {}

  /**
   * The link opened in a browser: unsubscribes and answers a small page. A HEAD (Fastify answers
   * it with this handler) only checks the token: link checkers ask it without anyone clicking.
   */
  @Get(':token')
  @ApiParam({ name: 'token', type: String, description: 'the signed unsubscribe token' })
  @ApiProduces('text/html')
  @ApiOkResponse(HTML_ANSWER)
  async open(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const named = this.named(token);
    if (request.method !== 'HEAD') await this.suppressions.unsubscribe(named.accountId, named.messageId);
    return page(reply);
  }

  /**
   * RFC 8058 one-click: the mailbox provider POSTs `List-Unsubscribe=One-Click` as a form
   * (urlencoded or multipart); the body is not needed to act, so it is not read beyond its limit.
   */
  @Post(':token')
  @HttpCode(200)
  @AcceptsForm()
  @AcceptsMultipart()
  @BodyLimit(1_024)
  @ApiParam({ name: 'token', type: String, description: 'the signed unsubscribe token' })
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data')
  @ApiBody({ required: false, schema: { type: 'string', example: 'List-Unsubscribe=One-Click' } })
  @ApiProduces('text/html')
  @ApiOkResponse(HTML_ANSWER)
  async oneClick(@Param('token') token: string, @Res() reply: FastifyReply): Promise<void> {
    const named = this.named(token);
    await this.suppressions.unsubscribe(named.accountId, named.messageId);
    return page(reply);
  }

  /** The message and account the token names; a 404 for a token that is not ours, a 410 once expired. */
  private named(token: string): { accountId: string; messageId: number } {
    const check = this.links.check(token);
    if (check.ok) return check;
    throw check.reason === 'expired'
      ? new GoneException({ statusCode: 410, error: 'Gone', message: 'this unsubscribe link has expired' })
      : new NotFoundException({ statusCode: 404, error: 'Not Found', message: 'not found' });
  }
}

async function page(reply: FastifyReply): Promise<void> {
  await reply.header('cache-control', 'no-store').header('content-type', 'text/html; charset=utf-8').send(PAGE);
}
