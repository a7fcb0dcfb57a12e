import { BadRequestException, ConflictException, HttpException, NotFoundException } from '@nestjs/common';
import { toErrorBody } from './error-body';

describe('toErrorBody', () => {
  describe('when an HttpException is thrown', () => {
    it('keeps its status and the fields a service added', () => {
      const sut = toErrorBody(
        new ConflictException({ statusCode: 409, error: 'Conflict', state: 'TIMED_OUT', message: 'the gate is timed out' }),
      );
      expect(sut).toEqual({
        internal: false,
        body: { statusCode: 409, error: 'Conflict', state: 'TIMED_OUT', message: 'the gate is timed out' },
      });
    });

    it('keeps errors and field', () => {
      const errors = [{ field: 'name', message: 'must be a string' }];
      const { body } = toErrorBody(
        new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'name must be a string', errors, field: 'name' }),
      );
      expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'name must be a string', errors, field: 'name' });
    });

    it('cuts a message that quotes a huge URL', () => {
      const { body } = toErrorBody(new NotFoundException(`Cannot GET /v1/${'x'.repeat(10_000)}`));
      expect(body.message.length).toBeLessThanOrEqual(1_001);
    });

    it('shapes a bare message', () => {
      expect(toErrorBody(new NotFoundException('Cannot GET /nope')).body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'Cannot GET /nope',
      });
      expect(toErrorBody(new HttpException('slow down', 429)).body).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: 'slow down',
      });
    });
  });

  describe('when Fastify refuses the request before Nest sees it', () => {
    const fastifyError = (code: string, statusCode: number) => Object.assign(new Error(`fastify says ${code}`), { code, statusCode });

    it("names the route's limit for a body too large", () => {
      const { body } = toErrorBody(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413), { bodyLimit: 1024 * 1024 });
      expect(body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: expect.stringContaining('1 MB'), limit: 1024 * 1024 });
    });

    it('names the limit when Nest has already turned the error into a bare HttpException', () => {
      const { body } = toErrorBody(new HttpException('Request body is too large', 413), { bodyLimit: 32 * 1024 * 1024 });
      expect(body).toEqual({
        statusCode: 413,
        error: 'Payload Too Large',
        message: expect.stringContaining('32 MB'),
        limit: 32 * 1024 * 1024,
      });
    });

    it('answers 415 naming the content type', () => {
      const { body } = toErrorBody(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), { contentType: 'text/xml' });
      expect(body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type', message: expect.stringContaining('"text/xml"') });
    });
  });

  describe('when the database refuses input that slipped past validation', () => {
    it.each([
      ['ER_DATA_TOO_LONG', 400],
      ['ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', 400],
      ['SQLITE_TOOBIG', 400],
      ['ER_DUP_ENTRY', 409],
    ])('answers %s with %i', (code, status) => {
      const error = Object.assign(new Error("Data too long for column 'secret_column' at row 1"), { driverError: { code } });
      const { body, internal } = toErrorBody(error);
      expect(body.statusCode).toBe(status);
      expect(JSON.stringify(body)).not.toContain('secret_column');
      expect(internal).toBe(false);
    });
  });

  describe('when anything else goes wrong', () => {
    it('answers a bare 500 and marks the error for the log, never showing its text', () => {
      const sut = toErrorBody(new RangeError('Maximum call stack size exceeded at /srv/app.js'));
      expect(sut).toEqual({ internal: true, body: { statusCode: 500, error: 'Internal Server Error', message: 'internal error' } });
    });

    it('does not take a 5xx from an error object for a client error', () => {
      expect(toErrorBody(Object.assign(new Error('x'), { code: 'FST_SOMETHING', statusCode: 500 })).internal).toBe(true);
    });
  });
});
