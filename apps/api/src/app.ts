import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { FastifyInstance } from 'fastify';
import { SendgateConfig } from '@sendgate/config';
import { AppModule } from './app.module';
import { createValidationPipe } from './common/validation';

const BODY_LIMIT_BYTES = 32 * 1024 * 1024; // 10,000 contacts with attributes fit comfortably

/**
 * Body-less POSTs (finishUri, cancel) are accepted with a JSON content type too, through Fastify's
 * own safe JSON parser; integrators may send gate data as NDJSON, parsed later line by line.
 */
function registerBodyParsers(fastify: FastifyInstance): void {
  const json = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    (body === '' ? done(null, undefined) : json(req, String(body), done)));
  fastify.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) => done(null, body));
}

/** Builds the API application (used by main.ts and by the tests). */
export async function createApiApp(config?: SendgateConfig, logger: LogLevel[] | false = ['log', 'warn', 'error']): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, routerOptions: { maxParamLength: 1_024 } }), // gate tokens travel in the path
    { logger, bodyParser: false }, // body parsers: registerBodyParsers
  );
  app.useGlobalPipes(createValidationPipe());
  registerBodyParsers(app.getHttpAdapter().getInstance());
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
