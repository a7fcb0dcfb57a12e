import { BadRequestException } from '@nestjs/common';
import { FastifyInstance } from 'fastify';
import { findUnpairedSurrogate, jsonNestingDepth } from '@sendgate/domain';
import { badRequest } from './validation';

/** No API body nests deeper than this; deeper JSON would overflow the stack of validation and templates. */
export const MAX_BODY_DEPTH = 64;

/**
 * Bodies are JSON, or NDJSON for the gate's data route (parsed there line by line). Body-less POSTs
 * (finishUri, cancel) are accepted with a JSON content type too. Fastify's own safe parser refuses
 * `__proto__` keys; strings must be valid Unicode; every other content type is a 415.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  const json = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = String(body);
    if (text === '') return done(null, undefined);
    if (jsonNestingDepth(text, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
      return done(badBody(`the body nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep`));
    }
    json(req, text, (error, value) => {
      if (error) return done(badBody(notJsonMessage(error)));
      const field = findUnpairedSurrogate(text, value);
      if (field !== undefined) return done(badRequest([{ field, message: 'is not valid Unicode: it holds an unpaired surrogate (\\uD800-\\uDFFF)' }]));
      done(null, value);
    });
  });
  fastify.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) => done(null, body));
}

function notJsonMessage(error: Error): string {
  return /prototype/.test(error.message)
    ? 'the body is not accepted: it contains a "__proto__" or "constructor.prototype" key'
    : 'the body is not valid JSON';
}

function badBody(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message });
}
