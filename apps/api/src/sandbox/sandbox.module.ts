import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { SandboxCallbacksPoller } from './sandbox-callbacks.poller';
import { SandboxEspController } from './sandbox-esp.controller';
import { SandboxEspService } from './sandbox-esp.service';
import { SandboxRetentionService } from './sandbox-retention.service';

/** The built-in sandbox ESP and its delivery callbacks; AppModule imports it only when SENDGATE_SANDBOX_ESP is true. */
@Module({
  imports: [IntegrationsModule],
  controllers: [SandboxEspController],
  providers: [SandboxEspService, SandboxRetentionService, SandboxCallbacksPoller],
})
export class SandboxModule {}
