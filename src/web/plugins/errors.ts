// One place turns errors into responses: a domain error's code decides the
// status; people get a page in their language, machines get JSON with the code.
// Unexpected errors are logged with the request id and shown as a 500 page that
// gives the id and nothing else. A database that cannot be reached is a 503
// (GNM_DATABASE_UNAVAILABLE, with Retry-After from app.ts), and each PostgreSQL
// connection lost under the app's pools is logged here.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode } from '../../domain/errors.js';

export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  GNM_NOT_FOUND: 404,
  GNM_FORBIDDEN: 403,
  GNM_UNAUTHENTICATED: 401,
  GNM_CSRF_INVALID: 403,
  GNM_VALIDATION: 400,
  GNM_SIGN_IN_FAILED: 401,
  GNM_SIGN_IN_THROTTLED: 429,
  GNM_ESR_FILE_UNREADABLE: 400,
  GNM_ESR_HEADER_MISSING: 400,
  GNM_ESR_ROWS_INVALID: 422,
  GNM_ESR_EMPTY: 400,
  GNM_ROLE_SCOPE: 403,
  GNM_CONFIG_INVALID: 500,
  GNM_CONFLICT: 409,
  GNM_INTERNAL: 500,
  GNM_SCENARIO_INVALID: 422,
  GNM_DATABASE_UNAVAILABLE: 503,
  GNM_TOO_LARGE: 413,
  GNM_UPLOAD_NOT_ACCEPTED: 415,
};

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') || (accept === '' && request.method === 'GET');
}

function page(reply: FastifyReply, status: number, code: string): FastifyReply {
  const template = status === 404 ? 'pages/errors/not-found.njk'
    : status === 403 ? 'pages/errors/forbidden.njk'
      : status >= 500 ? 'pages/errors/server-error.njk'
        : 'pages/errors/problem.njk';
  return reply.code(status).render(template, { status, code, requestId: reply.request.id });
}

export function installErrorHandling(app: FastifyInstance): void {
  const stopWatching = app.database.connections.onLost((lost) => {
    app.log.warn({ pool: lost.pool, code: lost.code, reason: lost.reason }, 'database connection lost; the pool opens a new one when next needed');
  });
  app.addHook('onClose', (_instance, done) => { stopWatching(); done(); });

  app.setNotFoundHandler({ preHandler: undefined }, (request, reply) => {
    if (wantsHtml(request)) return page(reply, 404, 'GNM_NOT_FOUND');
    return reply.code(404).send({ code: 'GNM_NOT_FOUND', message: request.t('errors.GNM_NOT_FOUND.title') });
  });

  app.setErrorHandler((error: FastifyError | DomainError, request, reply) => {
    let status: number;
    let code: string;
    if (error instanceof DomainError) {
      status = HTTP_STATUS[error.code];
      code = error.code;
    } else if (error.validation !== undefined || (error.statusCode !== undefined && error.statusCode < 500)) {
      status = error.statusCode ?? 400;
      code = 'GNM_VALIDATION';
    } else {
      status = 500;
      code = 'GNM_INTERNAL';
    }
    if (code === 'GNM_DATABASE_UNAVAILABLE') request.log.warn({ code, status, ...(error as DomainError).params }, 'database unavailable');
    else if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code, status }, 'request refused');
    if (status === 401 && request.method === 'GET' && wantsHtml(request)) {
      return reply.redirect(`${request.lang === 'cy' ? '/cy' : ''}/sign-in`, 303);
    }
    if (wantsHtml(request)) return page(reply, status, code);
    return reply.code(status).send({ code, message: request.t(`errors.${code}.title`) });
  });
}
