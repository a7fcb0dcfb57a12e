import type {} from '@fastify/multipart'; // request.parts() and request.isMultipart()
import { FastifyRequest } from 'fastify';
import { badRequest } from '../common/validation';
import { FormField, FormFile, SEND_LIMITS } from './send-form';

export interface MultipartLimits {
  /** All files of the request together. */
  maxFileBytes: number;
}

/** Bounds of the multipart parser itself: each text field, the number of parts, a field name. */
export const PART_LIMITS = {
  fieldNameSize: 100,
  fieldSize: SEND_LIMITS.bodyChars * 4, // html of 1,000,000 characters, up to 4 UTF-8 bytes each
  fields: SEND_LIMITS.recipients + 100,
  files: SEND_LIMITS.files,
  parts: SEND_LIMITS.recipients + 100 + SEND_LIMITS.files,
  headerPairs: 20,
} as const;

/**
 * Reads a multipart body into its text fields and files, holding the files in memory (at most
 * `maxFileBytes` in all: the reading stops at the first byte over it). A body that is not
 * multipart, or breaks a limit of the parser, is a 400 naming what was wrong.
 */
export async function readMultipart(request: FastifyRequest, limits: MultipartLimits): Promise<{ fields: FormField[]; files: FormFile[] }> {
  if (!request.isMultipart()) throw badRequest([{ field: '(body)', message: 'must be multipart/form-data' }]);
  const fields: FormField[] = [];
  const files: FormFile[] = [];
  let total = 0;
  try {
    for await (const part of request.parts({ limits: { ...PART_LIMITS, fileSize: limits.maxFileBytes + 1 } })) {
      if (part.type === 'field') {
        if (part.valueTruncated) throw badRequest([{ field: part.fieldname, message: `must be at most ${PART_LIMITS.fieldSize} bytes` }]);
        fields.push({ name: part.fieldname, value: typeof part.value === 'string' ? part.value : JSON.stringify(part.value) });
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > limits.maxFileBytes) {
          throw badRequest([
            { field: 'attachment', message: `attachments and inline images must total at most ${limits.maxFileBytes} bytes` },
          ]);
        }
        chunks.push(chunk);
      }
      files.push({ name: part.fieldname, filename: part.filename ?? '', contentType: part.mimetype ?? '', content: Buffer.concat(chunks) });
    }
  } catch (error) {
    throw asBadRequest(error);
  }
  return { fields, files };
}

/** The parser's own refusals (413s and 406s of @fastify/multipart, a malformed body) as 400s naming the cause. */
function asBadRequest(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'FST_PARTS_LIMIT':
      return badRequest([{ field: '(body)', message: `has more than ${PART_LIMITS.parts} parts` }]);
    case 'FST_FILES_LIMIT':
      return badRequest([{ field: 'attachment', message: `at most ${PART_LIMITS.files} files (attachments and inline images)` }]);
    case 'FST_FIELDS_LIMIT':
      return badRequest([{ field: 'to', message: `has more than ${PART_LIMITS.fields} text fields` }]);
    case 'FST_REQ_FILE_TOO_LARGE':
      return badRequest([{ field: 'attachment', message: 'attachments and inline images are over the size limit' }]);
    case 'FST_PROTO_VIOLATION':
      return badRequest([{ field: '(body)', message: 'uses a field name that is a built-in property of every object' }]);
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return badRequest([{ field: '(body)', message: 'has a part of type application/json that is not valid JSON' }]);
    default:
      if (error instanceof Error && /multipart|boundary|Unexpected end/i.test(error.message) && !('getStatus' in error)) {
        return badRequest([{ field: '(body)', message: `is not a well-formed multipart body: ${error.message}` }]);
      }
      return error;
  }
}
