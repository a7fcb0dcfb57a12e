import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { SandboxBodyLimitMiddleware } from './sandbox-body-limit.middleware';
import { SandboxEspController } from './sandbox-esp.controller';
import { SandboxEspService } from './sandbox-esp.service';
import { SandboxRetentionService } from './sandbox-retention.service';

/** The built-in sandbox ESP; AppModule imports it only when SENDGATE_SANDBOX_ESP is true. */
@Module({ controllers: [SandboxEspController], providers: [SandboxEspService, SandboxRetentionService] })
export class SandboxModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SandboxBodyLimitMiddleware).forRoutes({ path: 'sandbox/esp/messages', method: RequestMethod.POST });
  }
}
