import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SendgateConfig } from '@sendgate/config';
import { AppModule } from './app.module';
import { createValidationPipe } from './common/validation';

const BODY_LIMIT_BYTES = 32 * 1024 * 1024; // 10,000 contacts with attributes fit comfortably

/** Builds the API application (used by main.ts and by the tests). */
export async function createApiApp(config?: SendgateConfig, logger: LogLevel[] | false = ['log', 'warn', 'error']): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, routerOptions: { maxParamLength: 1_024 } }), // gate tokens travel in the path
    { logger },
  );
  app.useGlobalPipes(createValidationPipe());
  // Integrators may send gate data as NDJSON; the gate service parses it line by line.
  app.getHttpAdapter().getInstance().addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req: unknown, body: string, done: (err: Error | null, body?: unknown) => void) => done(null, body));
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(app, new DocumentBuilder()
    .setTitle('Sendgate API')
    .setDescription('Durable email and SMS sendouts with a send gate. Authenticate with "Authorization: Bearer <API key>".')
    .setVersion('1')
    .addBearerAuth()
    .build());
  SwaggerModule.setup('docs', app, document);
  return app;
}
