// Protection against cross-site request forgery for every form. Synchroniser
// tokens: a signed-in person's token lives in their session row; before sign-in
// (the sign-in form itself) it lives in an HttpOnly cookie. Every POST, PUT,
// PATCH and DELETE must carry it in the _csrf field or the X-CSRF-Token header,
// except routes that declare another authentication (config.csrf === false:
// machine clients with their own credentials, never a browser cookie).

import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { newToken } from '../../db/stores/session-store.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    csrf?: boolean;
  }
  interface FastifyRequest {
    csrfToken: string;
  }
}

export const CSRF_COOKIE = 'gnm_csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sentToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body as Record<string, unknown> | null | undefined;
  const field = body?.['_csrf'];
  if (typeof field === 'string') return field;
  // Multipart bodies carry fields as { value } objects.
  if (field !== null && typeof field === 'object' && 'value' in field && typeof field.value === 'string') return field.value;
  const query = (request.query as Record<string, unknown> | undefined)?.['_csrf'];
  return typeof query === 'string' ? query : undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether a token sent with a request is this request's form token. */
export function csrfTokenMatches(request: FastifyRequest, sent: unknown): boolean {
  return typeof sent === 'string' && request.csrfToken !== '' && same(sent, request.csrfToken);
}

export function installCsrf(app: FastifyInstance): void {
  app.decorateRequest('csrfToken', '');

  // Runs after the session is known (auth's onRequest) and before the handler.
  app.addHook('preValidation', async (request, reply) => {
    if (request.session !== null) {
      request.csrfToken = request.session.csrfToken;
    } else {
      let token = request.cookies[CSRF_COOKIE];
      if (token === undefined || token.length < 32) {
        token = newToken();
        reply.setCookie(CSRF_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' });
      }
      request.csrfToken = token;
    }
    if (!UNSAFE.has(request.method) || request.routeOptions.config.csrf === false) return;
    // An upload's token is its first field, checked by readUpload (plugins/uploads.ts) before the file is read.
    if (request.routeOptions.config.upload === true && request.isMultipart()) return;
    const sent = sentToken(request);
    if (sent === undefined || !same(sent, request.csrfToken)) throw new DomainError('GNM_CSRF_INVALID');
  });
}
