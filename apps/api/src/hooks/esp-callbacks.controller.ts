import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.guard';
import { BodyLimit, MB } from '../common/body-limits';
import { ApiErrorResponses } from '../common/error-body.dto';
import { TextParam } from '../common/params';
import { EspCallbackAnswerDto } from './dto/esp-callback-answer.dto';
import { EspCallbacksService, MAX_EVENTS_PER_CALLBACK } from './esp-callbacks.service';

@ApiTags('hooks')
@ApiErrorResponses()
@Controller('hooks/esp')
export class EspCallbacksController {
  constructor(private readonly callbacks: EspCallbacksService) {}

  /**
   * An ESP's delivery callback, to the integration's callbackUrl. No API key: the signed token is
   * the credential (401 when forged or rotated). Answered once the events are stored.
   */
  @Public()
  @Post(':token')
  @HttpCode(200)
  @BodyLimit(MB)
  @ApiBody({
    description: `One event, an array of events, or the preset's wrapper (Infobip: {results}); ${MAX_EVENTS_PER_CALLBACK} events at most`,
    schema: {
      oneOf: [
        { type: 'object', additionalProperties: true },
        { type: 'array', items: { type: 'object', additionalProperties: true } },
      ],
    },
  })
  @ApiOkResponse({ type: EspCallbackAnswerDto })
  // Free-form (the ESP's shape): typed as unknown, so the validation pipe leaves it as sent.
  receive(@TextParam('token', 2_048) token: string, @Body() body: unknown): Promise<EspCallbackAnswerDto> {
    return this.callbacks.receive(token, body);
  }
}
