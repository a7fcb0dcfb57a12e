import { Module } from '@nestjs/common';
import { GateDecisionsService } from './gate-decisions.service';
import { GateEndpointController } from './gate-endpoint.controller';
import { GateEndpointService } from './gate-endpoint.service';
import { GateUrisController } from './gate-uris.controller';

@Module({
  controllers: [GateEndpointController, GateUrisController],
  providers: [GateEndpointService, GateDecisionsService],
})
export class SendGateModule {}
