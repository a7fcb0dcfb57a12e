import { isUtf8 } from 'node:buffer';
import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { findUnpairedSurrogate, jsonNestingDepth } from '@sendgate/domain';
import { withRouteConfig } from './route-config';
import { badRequest } from './validation';

/** No API body nests deeper than this; deeper JSON would overflow the stack of validation and templates. */
export const MAX_BODY_DEPTH = 64;

type Done = (error: Error | null, body?: unknown) => void;

/** Marks a route that takes an HTML form's body (application/x-www-form-urlencoded), handed over as its text. */
export const AcceptsForm = (): MethodDecorator => withRouteConfig({ form: true });

/**
 * Bodies are UTF-8 JSON, or NDJSON for the gate's data route and the suppression import, or CSV for
 * that import (both handed over as text, parsed there line by line). Body-less
 * POSTs (finishUri, cancel) are accepted with a JSON content type too. Fastify's own safe parser
 * refuses `__proto__` keys. A form body is taken only by the routes marked with AcceptsForm (the
 * one-click unsubscribe); every other content type is a 415.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  const safeJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, raw, done) => {
    const text = utf8(raw as Buffer, done);
    if (text === undefined) return;
    if (text === '') return done(null, undefined);
    if (jsonNestingDepth(text, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
      return done(badBody(`the body nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep`));
    }
    parseJson(safeJson, req, text, done);
  });
  fastify.addContentTypeParser('application/x-ndjson', { parseAs: 'buffer' }, (_req, raw, done) => {
    const text = utf8(raw as Buffer, done);
    if (text !== undefined) done(null, text);
  });
  fastify.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_req, raw, done) => {
    const text = utf8(raw as Buffer, done);
    if (text !== undefined) done(null, text);
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (req, raw, done) => {
    if (!(req.routeOptions.config as { form?: boolean }).form) {
      return done(
        new UnsupportedMediaTypeException({
          statusCode: 415,
          error: 'Unsupported Media Type',
          message: 'the content type "application/x-www-form-urlencoded" is not accepted: send application/json',
        }),
      );
    }
    const text = utf8(raw as Buffer, done);
    if (text !== undefined) done(null, text);
  });
}

/** Decodes the body, or refuses it: bad bytes would otherwise be stored as replacement characters. */
function utf8(raw: Buffer, done: Done): string | undefined {
  if (isUtf8(raw)) return raw.toString('utf8');
  done(badBody('the body is not valid UTF-8'));
  return undefined;
}

function parseJson(safeJson: ReturnType<FastifyInstance['getDefaultJsonParser']>, req: FastifyRequest, text: string, done: Done): void {
  // Fastify's parser answers through the callback; what it returns is not needed.
  void safeJson(req, text, (error, value) => {
    if (error)
      return done(
        badBody(
          isPlainJson(text)
            ? 'the body is not accepted: it has a "__proto__" or "constructor.prototype" key'
            : 'the body is not valid JSON',
        ),
      );
    const field = findUnpairedSurrogate(text, value);
    if (field !== undefined)
      return done(badRequest([{ field, message: 'is not valid Unicode: it holds an unpaired surrogate (\\uD800-\\uDFFF)' }]));
    done(null, value);
  });
}

/** Only asked once the safe parser refused the text: valid JSON then means a prototype key was the reason. */
function isPlainJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function badBody(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message });
}
