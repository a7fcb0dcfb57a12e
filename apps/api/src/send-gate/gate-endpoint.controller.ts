import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth.guard';
import { ApiErrorResponses } from '../common/error-body.dto';
import { ApiOneOfBody } from '../common/one-of';
import { GateEndpointBody, GateEndpointDto } from './dto/gate-endpoint.dto';
import { GateEndpointTestResultDto, GateEndpointView, HttpGateEndpointViewDto, SqsGateEndpointViewDto } from './dto/gate-endpoint-view.dto';
import { GateEndpointService } from './gate-endpoint.service';

const ENDPOINT_VIEW = {
  schema: {
    oneOf: [{ $ref: getSchemaPath(HttpGateEndpointViewDto) }, { $ref: getSchemaPath(SqsGateEndpointViewDto) }],
    discriminator: { propertyName: 'transport' },
  },
};

@ApiTags('send gate')
@ApiBearerAuth()
@ApiErrorResponses()
@ApiExtraModels(HttpGateEndpointViewDto, SqsGateEndpointViewDto)
@Controller('v1/send-gate/endpoint')
export class GateEndpointController {
  constructor(private readonly endpoints: GateEndpointService) {}

  /** The account's gate endpoint; secrets are encrypted at rest and masked in every answer. */
  @Put()
  @ApiOneOfBody(GateEndpointDto, {
    description:
      'A secret sent back as "********" keeps the stored one while the destination ' +
      '(URL origin; SQS queue, endpoint, region and access key) stays the same',
  })
  @ApiOkResponse(ENDPOINT_VIEW)
  put(@Auth() auth: AuthContext, @Body() body: GateEndpointDto): Promise<GateEndpointView> {
    return this.endpoints.put(auth.accountId, body as GateEndpointBody); // the pipe validated it as the variant it names
  }

  @Get()
  @ApiOkResponse(ENDPOINT_VIEW)
  get(@Auth() auth: AuthContext): Promise<GateEndpointView> {
    return this.endpoints.get(auth.accountId);
  }

  /** Sends a sample webhook; answers what the endpoint replied. */
  @Post('test')
  @HttpCode(200)
  @ApiOkResponse({ type: GateEndpointTestResultDto })
  test(@Auth() auth: AuthContext): Promise<GateEndpointTestResultDto> {
    return this.endpoints.test(auth.accountId);
  }
}
