import { Module } from '@nestjs/common';
import { SandboxEspController } from './sandbox-esp.controller';

@Module({ controllers: [SandboxEspController] })
export class SandboxModule {}
