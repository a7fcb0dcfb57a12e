import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { GateEndpointService } from './gate-endpoint.service';

@ApiTags('send gate')
@ApiBearerAuth()
@Controller('v1/send-gate/endpoint')
export class GateEndpointController {
  constructor(private readonly endpoints: GateEndpointService) {}

  /** The account's gate endpoint; secrets are encrypted at rest and masked in every answer. */
  @Put()
  @ApiBody({
    schema: {
      example: { transport: 'http', url: 'https://integrator.example.com/sendgate', auth: { type: 'header', name: 'X-Api-Key', value: 'secret' } },
    },
    description: 'HTTP: {transport: "http", url, auth: {type: "none"} | {type: "basic", username, password} | {type: "header", name, value}}; '
      + 'SQS: {transport: "sqs", queueUrl, region, accessKeyId, secretAccessKey, endpoint?}',
  })
  put(@Auth() auth: AuthContext, @Body() body: unknown) {
    return this.endpoints.put(auth.accountId, body);
  }

  @Get()
  get(@Auth() auth: AuthContext) {
    return this.endpoints.get(auth.accountId);
  }

  /** Sends a sample webhook; answers what the endpoint replied. */
  @Post('test')
  @HttpCode(200)
  test(@Auth() auth: AuthContext) {
    return this.endpoints.test(auth.accountId);
  }
}
