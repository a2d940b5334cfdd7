// File uploads (multipart/form-data), accepted only where a route takes a file
// (config.upload: the staff import and the planner's scenario upload) and read
// only after the person is known and allowed: the session is found (onRequest),
// the route's access is checked (preHandler), and then the handler reads the
// body as a stream whose first field must be the form token. A multipart body
// sent anywhere else is refused before a byte of it is read; an upload is never
// held whole before it is authorised, and never beyond the size limit.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { DomainError } from '../../domain/errors.js';
import { csrfTokenMatches } from './csrf.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route takes a file (multipart/form-data), read with readUpload(). */
    upload?: boolean;
  }
}

export interface UploadLimits {
  /** The largest file accepted, in bytes. */
  readonly fileBytes: number;
}

export interface Upload {
  readonly fields: Readonly<Record<string, string>>;
  /** The file chosen, or null when the form was sent without one. */
  readonly file: { readonly filename: string; readonly bytes: Buffer } | null;
  /** The file was bigger than the limit: it was not kept. */
  readonly tooLarge: boolean;
}

export function isFormData(request: FastifyRequest): boolean {
  return /^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '');
}

export async function installUploads(app: FastifyInstance, limits: UploadLimits): Promise<void> {
  // No attachFieldsToBody: the parser only marks the request; nothing is read until a handler asks.
  await app.register(multipart, { limits: { fileSize: limits.fileBytes, files: 1, fields: 20, fieldSize: 1024 * 1024, parts: 22 } });
  // Machine routes (config.csrf === false: /xapi) read their own bodies under their own limits and answer in their own format.
  app.addHook('onRequest', (request, _reply, done) => {
    const config = request.routeOptions.config;
    done(isFormData(request) && config.upload !== true && config.csrf !== false ? new DomainError('GNM_UPLOAD_NOT_ACCEPTED') : undefined);
  });
}

/**
 * Read a multipart form: the form token first (the page's form puts it first;
 * an X-CSRF-Token header will do), then its fields and at most one file, kept
 * only up to the limit. Refuses with GNM_CSRF_INVALID, reading no further, when
 * the token is missing or wrong.
 */
export async function readUpload(request: FastifyRequest): Promise<Upload> {
  let trusted = csrfTokenMatches(request, request.headers['x-csrf-token']);
  const fields: Record<string, string> = {};
  let file: Upload['file'] = null;
  let tooLarge = false;
  try {
    for await (const part of request.parts()) {
      if (!trusted) {
        if (part.type === 'field' && part.fieldname === '_csrf' && csrfTokenMatches(request, part.value)) {
          trusted = true;
          continue;
        }
        throw new DomainError('GNM_CSRF_INVALID');
      }
      if (part.type === 'field') {
        if (typeof part.value === 'string') fields[part.fieldname] = part.value;
        continue;
      }
      if (part.filename === '') {
        part.file.resume();
        continue;
      }
      try {
        file = { filename: part.filename, bytes: await part.toBuffer() };
      } catch (error) {
        if ((error as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw error;
        tooLarge = true;
        file = { filename: part.filename, bytes: Buffer.alloc(0) };
      }
    }
  } catch (error) {
    // Past the limit: the file is dropped (busboy stops keeping it) and the form is refused.
    if ((error as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw error;
    return { fields, file: { filename: file?.filename ?? '', bytes: Buffer.alloc(0) }, tooLarge: true };
  }
  if (!trusted) throw new DomainError('GNM_CSRF_INVALID');
  return { fields, file, tooLarge };
}
