import { LogLevel } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SendgateConfig } from '@sendgate/config';
import { GateUris } from '@sendgate/gate';
import { AppModule } from './app.module';
import { ApiExceptionFilter, answerFrameworkError } from './common/api-exception.filter';
import { DEFAULT_BODY_LIMIT, applyBodyLimits } from './common/body-limits';
import { registerBodyParsers } from './common/body-parsers';
import { registerMultipart } from './common/multipart';
import { createValidationPipe } from './common/validation';
import { checkGateTokensFirst } from './send-gate/gate-token.hook';

/** Builds the API application (used by main.ts and by the tests). */
export async function createApiApp(
  config?: SendgateConfig,
  logger: LogLevel[] | false = ['log', 'warn', 'error'],
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({
      bodyLimit: DEFAULT_BODY_LIMIT,
      routerOptions: { maxParamLength: 1_024 }, // gate tokens travel in the path
      frameworkErrors: answerFrameworkError,
    }),
    { logger, bodyParser: false }, // body parsers: registerBodyParsers
  );
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(app.get(HttpAdapterHost)));
  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify);
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
