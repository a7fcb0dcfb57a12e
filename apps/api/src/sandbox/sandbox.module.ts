import { Module } from '@nestjs/common';
import { SandboxEspController } from './sandbox-esp.controller';
import { SandboxEspService } from './sandbox-esp.service';
import { SandboxRetentionService } from './sandbox-retention.service';

/** The built-in sandbox ESP; AppModule imports it only when SENDGATE_SANDBOX_ESP is true. */
@Module({ controllers: [SandboxEspController], providers: [SandboxEspService, SandboxRetentionService] })
export class SandboxModule {}
