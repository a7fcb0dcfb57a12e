import fastifyMultipart from '@fastify/multipart';
import { UnsupportedMediaTypeException } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { preValidationHookHandler } from 'fastify';
import { withRouteConfig } from './route-config';

/** Marks the route that reads a multipart/form-data body itself (`request.parts()`). */
export const AcceptsMultipart = (): MethodDecorator => withRouteConfig({ multipart: true });

/**
 * Registers @fastify/multipart, whose parser only marks a request as multipart (the route reads the
 * parts, under its own limits). Every route not marked with AcceptsMultipart still refuses such a
 * body with 415, as before. Must run before app.init() (the onRoute hook sees Nest's routes).
 */
export async function registerMultipart(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyMultipart);
  const refuse: preValidationHookHandler = (request, _reply, done) =>
    done(
      request.isMultipart()
        ? new UnsupportedMediaTypeException({
            statusCode: 415,
            error: 'Unsupported Media Type',
            message: 'the content type "multipart/form-data" is not accepted: send application/json',
          })
        : undefined,
    );
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if ((route.config as { multipart?: boolean } | undefined)?.multipart) return;
      route.preValidation = [...[route.preValidation ?? []].flat(), refuse];
    });
}
