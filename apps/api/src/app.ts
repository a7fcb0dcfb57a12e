import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { DestinationStream } from 'pino';
import { SendgateConfig, loadConfig } from '@sendgate/config';
import { GateUris } from '@sendgate/gate';
import { createLogger, nestLogger } from '@sendgate/logging';
import { AppModule } from './app.module';
import { ApiExceptionFilter, answerFrameworkError } from './common/api-exception.filter';
import { DEFAULT_BODY_LIMIT, applyBodyLimits } from './common/body-limits';
import { registerBodyParsers } from './common/body-parsers';
import { registerMultipart } from './common/multipart';
import { answerWithRequestId, requestIdOf } from './common/request-logging';
import { createValidationPipe } from './common/validation';
import { checkGateTokensFirst } from './send-gate/gate-token.hook';

export interface ApiAppOptions {
  /** Where the API's log lines go (stdout by default): the tests read them from a stream. */
  logDestination?: DestinationStream;
}

/** Builds the API application (used by main.ts and by the tests). */
export async function createApiApp(given?: SendgateConfig, options: ApiAppOptions = {}): Promise<NestFastifyApplication> {
  const config = given ?? loadConfig();
  const logger = createLogger(config.log, { name: 'api', destination: options.logDestination });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, logger),
    new FastifyAdapter({
      bodyLimit: DEFAULT_BODY_LIMIT,
      routerOptions: { maxParamLength: 1_024 }, // gate tokens travel in the path
      frameworkErrors: answerFrameworkError,
      genReqId: requestIdOf,
      requestIdHeader: false, // read by requestIdOf, which refuses what is not a plain token
    }),
    { logger: nestLogger(logger), bodyParser: false }, // body parsers: registerBodyParsers
  );
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(app.get(HttpAdapterHost)));
  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify);
  answerWithRequestId(fastify);
  await registerMultipart(app); // the email API's send
  // onRoute hooks: they see the routes Nest registers in app.init(), so they are added before it.
  applyBodyLimits(fastify);
  checkGateTokensFirst(fastify, app.get(GateUris));
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Sendgate API')
      .setDescription('Durable email and SMS sendouts with a send gate. Authenticate with "Authorization: Bearer <API key>".')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}
