import { Module } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { GateRejectBatcher, GateRepository } from '@sendgate/database';
import { GateDecisionsService } from './gate-decisions.service';
import { GateEndpointController } from './gate-endpoint.controller';
import { GateEndpointService } from './gate-endpoint.service';
import { GateUrisController } from './gate-uris.controller';

@Module({
  controllers: [GateEndpointController, GateUrisController],
  providers: [
    GateEndpointService,
    GateDecisionsService,
    {
      provide: GateRejectBatcher,
      inject: [GateRepository, SENDGATE_CONFIG],
      useFactory: (gates: GateRepository, config: SendgateConfig) => new GateRejectBatcher(gates, config.api.gateDecisionBatch),
    },
  ],
})
export class SendGateModule {}
