// The learning record store's HTTP API at /xapi (xAPI 1.0.3 and 2.0.0). Machine
// clients authenticate with HTTP Basic (a client key and secret), not a session,
// so these routes are 'public' to the session layer and carry no CSRF token.
// Every answer is JSON with the xAPI headers; errors say which rule and which
// path failed, and never become the HTML error pages.

import { createHash, randomBytes } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { HTTP_STATUS } from '../plugins/errors.js';
import {
  MAX_BODY_BYTES, MAX_JSON_DEPTH, MAX_STATEMENTS_JSON_BYTES, MAX_STATEMENTS_PER_REQUEST, jsonTooDeep,
  agentKey, canDo, formatCanonical, formatIds, isIri, isJsonType, isTimestamp, isUuid, matchAttachments, mergeDocuments, multipartBoundary, parseMultipart,
  signatureProblem, signatureSha2, statementReadAccess, validateStatement, withActivityLists, writeDecision,
  type DocumentKind, type Json, type Problem, type XapiAction, type XapiVersion,
} from '../../domain/xapi/index.js';
import { XapiDocumentStore, type DocumentAddress } from '../../db/stores/xapi-document-store.js';
import { authorityOf, XapiClientStore, type XapiClient } from '../../db/stores/xapi-client-store.js';
import { XapiStatementStore, type Cursor, type StatementQuery } from '../../db/stores/xapi-statement-store.js';
import type { WriterOptions } from '../../services/xapi/record.js';

/** Reads and conditional writes of one document before giving up with a 409. */
const WRITE_ATTEMPTS = 20;

export const XAPI_VERSIONS: readonly XapiVersion[] = ['1.0.3', '2.0.0'];

declare module 'fastify' {
  interface FastifyRequest {
    xapiVersion: XapiVersion;
    xapiClient: XapiClient | null;
  }
}

/** An xAPI refusal: status, a stable code, and the problems (rule + path). */
class XapiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly problems: readonly Problem[] = []) {
    super(message);
  }
}

function bad(rule: string, path: string, message: string): XapiError {
  return new XapiError(400, 'GNM_VALIDATION', message, [{ rule, path, message }]);
}

/** The version a request asked for, or null when missing or unsupported. */
export function negotiateVersion(header: string | string[] | undefined): XapiVersion | null {
  if (typeof header !== 'string') return null;
  const v = header.trim();
  if (/^1\.0(\.\d+)?$/.test(v)) return '1.0.3';
  if (/^2\.0(\.0)?$/.test(v)) return '2.0.0';
  return null;
}

function basicCredentials(header: string | undefined): { key: string; secret: string } | null {
  if (header === undefined || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 1 ? null : { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function requireScope(request: FastifyRequest, action: XapiAction): XapiClient {
  const client = request.xapiClient;
  if (client === null) throw new XapiError(401, 'GNM_UNAUTHENTICATED', 'HTTP Basic credentials of an LRS client are required');
  if (!canDo(client.scopes, action)) throw new XapiError(403, 'GNM_FORBIDDEN', `this client's scopes do not allow ${action}`);
  return client;
}

function flag(query: Record<string, string>, name: string): boolean | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw bad('query.boolean', name, `${name} must be true or false`);
}

const QUERY_PARAMS = new Set(['statementId', 'voidedStatementId', 'agent', 'verb', 'activity', 'registration', 'related_activities', 'related_agents', 'since', 'until', 'limit', 'format', 'attachments', 'ascending', 'cursor']);

function parseAgentParam(value: string): string {
  let agent: unknown;
  try {
    agent = JSON.parse(value);
  } catch {
    throw bad('query.agent', 'agent', 'agent must be a JSON agent or identified group');
  }
  const problems = validateStatement({ actor: agent, verb: { id: 'http://example.com/v' }, object: { id: 'http://example.com/a' } }).filter((p) => p.path.startsWith('$.actor'));
  const key = agentKey(agent);
  if (problems.length > 0 || key === null) throw new XapiError(400, 'GNM_VALIDATION', 'agent must be a JSON agent or identified group', problems.length > 0 ? problems : [{ rule: 'query.agent', path: 'agent', message: 'agent needs an inverse functional identifier' }]);
  return key;
}

function parseQuery(query: Record<string, string>): { filter: Omit<StatementQuery, 'clientId'>; cursor: Cursor | null } {
  const since = query['since'];
  const until = query['until'];
  for (const [name, v] of [['since', since], ['until', until]] as const) {
    if (v !== undefined && !isTimestamp(v)) throw bad('query.timestamp', name, `${name} must be an ISO 8601 timestamp`);
  }
  const limitText = query['limit'] ?? '0';
  if (!/^\d+$/.test(limitText)) throw bad('query.limit', 'limit', 'limit must be a whole number');
  const verb = query['verb'];
  if (verb !== undefined && !isIri(verb)) throw bad('iri', 'verb', 'verb must be an IRI');
  const activity = query['activity'];
  if (activity !== undefined && !isIri(activity)) throw bad('iri', 'activity', 'activity must be an IRI');
  const registration = query['registration'];
  if (registration !== undefined && !isUuid(registration)) throw bad('uuid', 'registration', 'registration must be a UUID');
  let cursor: Cursor | null = null;
  if (query['cursor'] !== undefined) {
    const m = /^(\d{1,15})\.(\d{1,15})$/.exec(query['cursor']);
    if (m === null) throw bad('query.cursor', 'cursor', 'the more link is not valid');
    cursor = { after: Number(m[1]), ceiling: Number(m[2]) };
  }
  const relatedActivities = flag(query, 'related_activities');
  const relatedAgents = flag(query, 'related_agents');
  const ascending = flag(query, 'ascending');
  return {
    filter: {
      ...(query['agent'] === undefined ? {} : { agent: parseAgentParam(query['agent']) }),
      ...(verb === undefined ? {} : { verb }),
      ...(activity === undefined ? {} : { activity }),
      ...(registration === undefined ? {} : { registration }),
      ...(relatedActivities === undefined ? {} : { relatedActivities }),
      ...(relatedAgents === undefined ? {} : { relatedAgents }),
      ...(ascending === undefined ? {} : { ascending }),
      ...(since === undefined ? {} : { since: new Date(since) }),
      ...(until === undefined ? {} : { until: new Date(until) }),
      limit: Math.min(Number(limitText), 1_000_000),
    },
    cursor,
  };
}

function preferredLanguages(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header.split(',').map((part) => {
    const [tag = '', ...params] = part.trim().split(';');
    const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())).find((m) => m !== null);
    return { tag: tag.trim(), q: q === undefined ? 1 : Number(q[1]) };
  }).filter((x) => x.tag !== '' && x.tag !== '*').sort((a, b) => b.q - a.q).map((x) => x.tag);
}

function present(stored: Json, format: string, request: FastifyRequest): unknown {
  // Statements stored before contextActivities were kept as arrays are given them here.
  const statement = withActivityLists(stored);
  if (format === 'ids') return formatIds(statement);
  if (format === 'canonical') return formatCanonical(statement, preferredLanguages(request.headers['accept-language']));
  return statement;
}

export { MAX_BODY_BYTES, MAX_STATEMENTS_JSON_BYTES, MAX_STATEMENTS_PER_REQUEST };

function tooLarge(rule: string, message: string): XapiError {
  return new XapiError(413, 'GNM_TOO_LARGE', message, [{ rule, path: '$', message }]);
}

/**
 * Statements' JSON (a JSON body, or a multipart body's first part), within the
 * limits: at most MAX_STATEMENTS_JSON_BYTES, nested at most MAX_JSON_DEPTH
 * deep (checked before parsing), and at most MAX_STATEMENTS_PER_REQUEST
 * statements.
 */
function statementsJson(bytes: Uint8Array, what: string): unknown {
  if (bytes.length > MAX_STATEMENTS_JSON_BYTES) {
    throw tooLarge('batch.bytes', `${what} is ${String(bytes.length)} bytes; the statements of one request may take at most ${String(MAX_STATEMENTS_JSON_BYTES)} bytes of JSON (send them in smaller batches)`);
  }
  if (jsonTooDeep(bytes)) throw bad('json.depth', '$', `${what} nests arrays and objects more than ${String(MAX_JSON_DEPTH)} deep`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw bad('json', '$', `${what} is not valid JSON`);
  }
  if (Array.isArray(value) && value.length > MAX_STATEMENTS_PER_REQUEST) {
    throw tooLarge('batch.size', `${String(value.length)} statements were sent; one request may carry at most ${String(MAX_STATEMENTS_PER_REQUEST)} (send them in smaller batches)`);
  }
  return value;
}

/** The request body as statements' JSON: the plugin reads every body as bytes. */
function jsonBody(request: FastifyRequest): unknown {
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0) throw bad('json', '$', 'the body must be JSON');
  return statementsJson(body, 'the body');
}

const SHA2_BY_LENGTH: Readonly<Record<number, string>> = { 56: 'sha224', 64: 'sha256', 96: 'sha384', 128: 'sha512' };

interface Upload { readonly statements: unknown; readonly attachments: { sha2: string; contentType: string; content: Uint8Array }[] }

function declaredAttachments(statements: unknown): { sha2: string; fileUrl?: string }[] {
  const list = Array.isArray(statements) ? statements : [statements];
  const out: { sha2: string; fileUrl?: string }[] = [];
  for (const s of list) {
    const attachments = (s as { attachments?: unknown } | null)?.attachments;
    if (!Array.isArray(attachments)) continue;
    for (const a of attachments) {
      const { sha2, fileUrl } = (a ?? {}) as { sha2?: unknown; fileUrl?: unknown };
      if (typeof sha2 === 'string') out.push({ sha2, ...(typeof fileUrl === 'string' ? { fileUrl } : {}) });
    }
  }
  return out;
}

/** Statements from a JSON body, or from a multipart/mixed body with their attachments checked against the SHA-2s declared. */
async function statementsUpload(request: FastifyRequest): Promise<Upload> {
  const contentType = header(request, 'content-type') ?? '';
  const boundary = multipartBoundary(contentType);
  if (boundary === '') throw bad('content-type', 'Content-Type', 'a multipart/mixed body needs a boundary parameter');
  // Statements come as application/json, or as multipart/mixed with their attachments; nothing else is read as JSON.
  if (boundary === null && !isJsonType(contentType)) {
    throw bad('content-type', 'Content-Type', /^multipart\/mixed\s*(;|$)/i.test(contentType)
      ? 'a multipart/mixed body needs a boundary parameter'
      : 'statements must be sent as application/json, or as multipart/mixed with attachments');
  }
  if (boundary === null) {
    const statements = jsonBody(request);
    const missing = declaredAttachments(statements).find((a) => a.fileUrl === undefined);
    if (missing !== undefined) throw bad('attachment.content', '$.attachments', `attachment ${missing.sha2} has no fileUrl, so its content must be sent in multipart/mixed`);
    return { statements, attachments: [] };
  }
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const parts = parseMultipart(body, boundary);
  const first = parts?.[0];
  if (parts === null || first === undefined) throw bad('multipart', '$', 'the multipart/mixed body is not well formed');
  if (!/^application\/json\s*(;|$)/i.test(first.headers['content-type'] ?? '')) throw bad('multipart', '$', 'the first part must be the statements as application/json');
  const statements = statementsJson(first.body, 'the statements part');
  const rest = parts.slice(1);
  const encoded = rest.findIndex((p) => p.headers['content-transfer-encoding']?.toLowerCase() !== 'binary');
  if (encoded >= 0) throw bad('multipart', '$', `attachment part ${encoded + 1} must have Content-Transfer-Encoding: binary`);
  const problem = matchAttachments(declaredAttachments(statements), rest.map((p) => ({
    hashHeader: p.headers['x-experience-api-hash'],
    actual: (length: number) => { const algorithm = SHA2_BY_LENGTH[length]; return algorithm === undefined ? '' : createHash(algorithm).update(p.body).digest('hex'); },
  })));
  if (problem !== null) throw bad('attachment.sha2', '$.attachments', problem);
  // Signed statements: the JWS part must hold for the statement it signs.
  for (const [i, statement] of (Array.isArray(statements) ? statements : [statements]).entries()) {
    if (typeof statement !== 'object' || statement === null) continue;
    const sha2 = signatureSha2(statement as Json);
    if (sha2 === null) continue;
    const part = rest.find((p) => p.headers['x-experience-api-hash']?.toLowerCase() === sha2);
    const why = part === undefined ? 'the signature was not sent' : await signatureProblem(statement as Json, Buffer.from(part.body).toString('utf8'));
    if (why !== null) throw bad('signature', Array.isArray(statements) ? `$[${i}].attachments` : '$.attachments', why);
  }
  return { statements, attachments: rest.map((p) => ({ sha2: p.headers['x-experience-api-hash'] ?? '', contentType: p.headers['content-type'] ?? 'application/octet-stream', content: p.body })) };
}

/** A multipart/mixed answer: the statement result as JSON, then each attachment's content. */
function multipartAnswer(reply: FastifyReply, json: unknown, attachments: readonly { sha2: string; contentType: string; content: Buffer }[]): FastifyReply {
  const boundary = `xapi-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(json)}\r\n`)];
  for (const a of attachments) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: ${a.contentType}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${a.sha2}\r\n\r\n`), a.content, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return reply.type(`multipart/mixed; boundary=${boundary}`).send(Buffer.concat(chunks));
}

/** Who writes: the client's organisation and id, and whether it may define activities (scope define or all). */
function writerOf(client: XapiClient, version: XapiVersion): WriterOptions {
  return { organisationCode: client.organisationCode, clientId: client.id, version, define: canDo(client.scopes, 'define') };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function sendError(reply: FastifyReply, error: XapiError): FastifyReply {
  return reply.code(error.status).type('application/json; charset=utf-8').send({ code: error.code, message: error.message, problems: error.problems });
}

export async function xapiRoutes(app: FastifyInstance): Promise<void> {
  const clients = XapiClientStore.create(app.database.db);
  const statements = XapiStatementStore.create(app.database.db);
  const config = { access: 'public' as const, csrf: false };

  const documents = XapiDocumentStore.create(app.database.db);
  // Every body is read as bytes here: documents keep their exact content, and bad JSON is a 400 with a rule.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => { done(null, body); });

  /** 'METHOD /xapi/…' of the routes that answer 405 (filled in below). */
  const notAllowed = new Set<string>();

  app.decorateRequest('xapiVersion', '1.0.3');
  app.decorateRequest('xapiClient', null);

  app.addHook('onRequest', async (request, reply) => {
    const version = negotiateVersion(request.headers['x-experience-api-version']);
    // A request without a version (or with one this LRS does not serve) is answered as 1.0.3: the version whose
    // rule it breaks (1.0.3 Communication 3.3 asks for the header on every response, at the latest patch version).
    reply.header('X-Experience-API-Version', version ?? '1.0.3');
    // Up to when every statement is readable: not later than the oldest write still being stored (services/record-writer.ts).
    reply.header('X-Experience-API-Consistent-Through', app.records.consistentThrough().toISOString());
    reply.header('Cache-Control', 'no-store');
    const path = request.url.split('?')[0] ?? '';
    if (path === '/xapi/about') return;
    // A method the resource does not have is 405 whoever asks, in whatever version (the routes below).
    if (notAllowed.has(`${request.method} ${request.routeOptions.url ?? ''}`)) return;
    // The 1.0.3 alternate request syntax carries headers in the form body: checked once it is re-sent (below).
    if (request.method === 'POST' && 'method' in (request.query as Record<string, unknown>)) return;
    if (version === null) {
      throw bad('version-header', 'X-Experience-API-Version', 'the X-Experience-API-Version header is missing or names a version this LRS does not support (1.0.3, 2.0.0)');
    }
    request.xapiVersion = version;
    const credentials = basicCredentials(request.headers.authorization);
    const client = credentials === null ? null : await clients.authenticate(credentials.key, credentials.secret);
    if (client === null) {
      reply.header('WWW-Authenticate', 'Basic realm="xapi"');
      throw new XapiError(401, 'GNM_UNAUTHENTICATED', 'HTTP Basic credentials of a live LRS client are required');
    }
    request.xapiClient = client;
  });

  // Alternate request syntax (xAPI 1.0.3 §7.8, for clients that can only POST): POST ?method=GET|PUT|POST|DELETE
  // with the headers, parameters and content as form fields. It is replayed in-process as the request it
  // stands for, so every rule above applies to it unchanged.
  app.addHook('preHandler', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    if (request.method !== 'POST' || !('method' in query)) return;
    const method = query['method'];
    if (typeof method !== 'string' || !['GET', 'PUT', 'POST', 'DELETE'].includes(method.toUpperCase()) || Object.keys(query).length !== 1) {
      throw bad('alternate-syntax', 'method', 'the alternate request syntax takes only ?method=GET|PUT|POST|DELETE in the query string');
    }
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(header(request, 'content-type') ?? '')) {
      throw bad('alternate-syntax', 'Content-Type', 'the alternate request syntax needs an application/x-www-form-urlencoded body');
    }
    const form = new URLSearchParams(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '');
    const HEADERS = ['authorization', 'x-experience-api-version', 'content-type', 'content-length', 'if-match', 'if-none-match'];
    // The request's own headers count (a client may send these as real headers), and form fields of the same name override them.
    // (Its own Content-Type is the form's, so the content's type comes from the form, or is JSON.)
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'x-experience-api-version', 'if-match', 'if-none-match']) {
      const value = header(request, name);
      if (value !== undefined) headers[name] = value;
    }
    const params = new URLSearchParams();
    let content: string | undefined;
    for (const [name, value] of form) {
      const lower = name.toLowerCase();
      if (HEADERS.includes(lower)) headers[lower] = value;
      else if (name === 'content') content = value;
      else params.append(name, value);
    }
    if (negotiateVersion(headers['x-experience-api-version']) === '2.0.0') throw bad('alternate-syntax', 'method', 'xAPI 2.0.0 has no alternate request syntax');
    Reflect.deleteProperty(headers, 'content-length');
    const path = request.url.split('?')[0] ?? '';
    const replayed = await app.inject({
      method: method.toUpperCase() as 'GET' | 'PUT' | 'POST' | 'DELETE',
      url: params.size === 0 ? path : `${path}?${params.toString()}`,
      headers: content === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(content === undefined ? {} : { payload: content }),
    });
    for (const [name, value] of Object.entries(replayed.headers)) {
      if (value !== undefined && !['content-length', 'connection', 'transfer-encoding', 'date'].includes(name.toLowerCase())) reply.header(name, value);
    }
    return reply.code(replayed.statusCode).send(replayed.rawPayload);
  });

  app.setErrorHandler((error: FastifyError | XapiError | DomainError, request, reply) => {
    if (error instanceof XapiError) return sendError(reply, error);
    if (error instanceof DomainError) return sendError(reply, new XapiError(HTTP_STATUS[error.code], error.code, error.message));
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // Fastify asks for the connection to be closed, which resets it under a
      // client still sending: the client may never read the answer. Kept open
      // instead, Node reads and drops the rest of the body (bounded by
      // HTTP_REQUEST_TIMEOUT_SECONDS), then the client reads a clean 413.
      reply.removeHeader('connection');
      return sendError(reply, tooLarge('body.size', `the body is larger than ${String(MAX_BODY_BYTES)} bytes (16 MiB), the most one xAPI request may send`));
    }
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return sendError(reply, new XapiError(error.statusCode, 'GNM_VALIDATION', error.message, [{ rule: 'request', path: '$', message: error.message }]));
    }
    request.log.error({ err: error }, 'xAPI request failed');
    return sendError(reply, new XapiError(500, 'GNM_INTERNAL', 'something went wrong on our side'));
  });

  // About lists, per major version, the latest version this LRS conforms to (both specs). 1.0.3 allows only
  // 0.9, 0.95 and 1.0.x in that list, so a request for 1.0.x, or one without a version, is told 1.0.3 alone;
  // a request for 2.0.0 is told both (2.0.0 lists one per major version).
  app.get('/xapi/about', { config }, async (request) => ({
    version: negotiateVersion(request.headers['x-experience-api-version']) === '2.0.0' ? XAPI_VERSIONS : XAPI_VERSIONS.filter((v) => v.startsWith('1.')),
    extensions: {},
  }));

  app.post('/xapi/statements', { config, bodyLimit: MAX_BODY_BYTES }, async (request, reply) => {
    const client = requireScope(request, 'statements/write');
    const upload = await statementsUpload(request);
    const outcome = await app.records.recordStatements({ statements: upload.statements, authority: authorityOf(client), writer: writerOf(client, request.xapiVersion), attachments: upload.attachments });
    switch (outcome.status) {
      case 'invalid': throw new XapiError(400, 'GNM_VALIDATION', outcome.problems[0]?.message ?? 'invalid statement', outcome.problems.slice(0, 20));
      case 'conflict': throw new XapiError(409, 'GNM_CONFLICT', `statement id ${outcome.id} is already in use by a different statement (statement ids are unique across the whole store)`);
      case 'stored':
        return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(outcome.ids));
    }
  });

  app.put('/xapi/statements', { config, bodyLimit: MAX_BODY_BYTES }, async (request, reply) => {
    const client = requireScope(request, 'statements/write');
    const query = request.query as Record<string, string>;
    const id = query['statementId'];
    if (id === undefined || !isUuid(id)) throw bad('statementId', 'statementId', 'PUT needs a statementId parameter holding a UUID');
    const upload = await statementsUpload(request);
    const body = upload.statements;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('type.object', '$', 'PUT takes one statement');
    const statement = body as Json;
    if (statement['id'] !== undefined && (typeof statement['id'] !== 'string' || statement['id'].toLowerCase() !== id.toLowerCase())) {
      throw bad('statementId', '$.id', 'the statement id differs from the statementId parameter');
    }
    const outcome = await app.records.recordStatements({ statements: { ...statement, id }, authority: authorityOf(client), writer: writerOf(client, request.xapiVersion), attachments: upload.attachments });
    switch (outcome.status) {
      case 'invalid': throw new XapiError(400, 'GNM_VALIDATION', outcome.problems[0]?.message ?? 'invalid statement', outcome.problems.slice(0, 20));
      case 'conflict': throw new XapiError(409, 'GNM_CONFLICT', `statement id ${outcome.id} is already in use by a different statement (statement ids are unique across the whole store)`);
      case 'stored':
        return reply.code(204).send();
    }
  });

  app.get('/xapi/statements', { config }, async (request, reply) => {
    const client = requireScope(request, 'statements/read');
    const access = statementReadAccess(client.scopes);
    const mine = access.mineOnly ? { clientId: client.id } : {};
    const query = request.query as Record<string, string>;
    for (const [name, value] of Object.entries(query)) {
      if (!QUERY_PARAMS.has(name)) throw bad('query.unknown', name, `${name} is not a statement query parameter`);
      if (typeof value !== 'string') throw bad('query.repeated', name, `${name} may be given once`);
    }
    const format = query['format'] ?? 'exact';
    if (!['exact', 'ids', 'canonical'].includes(format)) throw bad('query.format', 'format', 'format must be ids, exact or canonical');
    const withAttachments = flag(query, 'attachments') === true;
    // Exactly application/json (JSON is UTF-8 by definition; ADL's 1.0.3 suite compares the header as a whole).
    // Sent as bytes, because Fastify adds "; charset=utf-8" to a JSON type sent as a string.
    const json = (text: string) => reply.type('application/json').send(Buffer.from(text, 'utf8'));
    const answer = async (value: unknown, statementsShown: readonly Json[]) => {
      if (!withAttachments) return json(JSON.stringify(value));
      return multipartAnswer(reply, value, await documents.attachments([...new Set(declaredAttachments(statementsShown).map((a) => a.sha2))]));
    };
    // A client reads its own organisation's statements, and those of organisations that granted it (read/mine: only its own).
    const orgs = access.mineOnly ? [client.organisationCode] : [client.organisationCode, ...client.grantedOrganisations];
    const single = query['statementId'] ?? query['voidedStatementId'];
    if (single !== undefined) {
      if (query['statementId'] !== undefined && query['voidedStatementId'] !== undefined) throw bad('query.single', 'voidedStatementId', 'give statementId or voidedStatementId, not both');
      const extra = Object.keys(query).filter((k) => !['statementId', 'voidedStatementId', 'format', 'attachments'].includes(k));
      if (extra.length > 0) throw bad('query.single', extra[0] ?? '', 'only format and attachments may accompany statementId or voidedStatementId');
      if (!isUuid(single)) throw bad('uuid', query['statementId'] === undefined ? 'voidedStatementId' : 'statementId', 'must be a UUID');
      const statement = await statements.get(orgs, single, { voided: query['voidedStatementId'] !== undefined, ...mine });
      if (statement === null) throw new XapiError(404, 'GNM_NOT_FOUND', 'no such statement');
      reply.header('Last-Modified', new Date(String(statement['stored'])).toUTCString());
      return answer(present(statement, format, request), [statement]);
    }
    const { filter, cursor } = parseQuery(query);
    const page = await statements.query(orgs, { ...filter, ...mine }, cursor);
    let more = '';
    if (page.next !== null) {
      const params = new URLSearchParams(Object.entries(query).filter(([k]) => k !== 'cursor'));
      params.set('cursor', `${page.next.after}.${page.next.ceiling}`);
      more = `/xapi/statements?${params.toString()}`;
    }
    if (page.lastStored !== null) reply.header('Last-Modified', page.lastStored.toUTCString());
    // The usual case (exact, no attachments) sends the stored JSON as it is, without parsing it.
    if (format === 'exact' && !withAttachments) {
      return json(`{"statements":[${page.statements.join(',')}],"more":${JSON.stringify(more)}}`);
    }
    const shown = page.statements.map((text) => JSON.parse(text) as Json);
    return answer({ statements: shown.map((s) => present(s, format, request)), more }, shown);
  });

  // Documents: state, activity profile, agent profile.
  const documentRoutes: { url: string; kind: DocumentKind; idParam: string; scope: XapiAction }[] = [
    { url: '/xapi/activities/state', kind: 'state', idParam: 'stateId', scope: 'state' },
    { url: '/xapi/activities/profile', kind: 'activity-profile', idParam: 'profileId', scope: 'profile' },
    { url: '/xapi/agents/profile', kind: 'agent-profile', idParam: 'profileId', scope: 'profile' },
  ];
  for (const route of documentRoutes) {
    const address = (request: FastifyRequest): { address: DocumentAddress; id: string | undefined; since: Date | undefined } => {
      const reading = request.method === 'GET' || request.method === 'HEAD';
      const client = requireScope(request, reading ? (route.scope === 'state' ? 'state/read' : 'profile/read') : route.scope);
      const q = request.query as Record<string, unknown>;
      for (const [k, v] of Object.entries(q)) if (typeof v !== 'string') throw bad('query.repeated', k, `${k} may be given once`);
      const p = q as Record<string, string>;
      const allowed = route.kind === 'state' ? ['activityId', 'agent', 'registration', 'stateId', 'since'] : route.kind === 'activity-profile' ? ['activityId', 'profileId', 'since'] : ['agent', 'profileId', 'since'];
      for (const k of Object.keys(p)) if (!allowed.includes(k)) throw bad('query.unknown', k, `${k} is not a parameter of this resource`);
      let scope: string;
      const activityId = p['activityId'];
      if (route.kind !== 'agent-profile') {
        if (activityId === undefined || !isIri(activityId)) throw bad('iri', 'activityId', 'activityId is required and must be an IRI');
      }
      let agent = '';
      if (route.kind !== 'activity-profile') {
        if (p['agent'] === undefined) throw bad('required', 'agent', 'agent is required');
        agent = parseAgentParam(p['agent']);
      }
      const registration = p['registration'];
      if (registration !== undefined && !isUuid(registration)) throw bad('uuid', 'registration', 'registration must be a UUID');
      if (route.kind === 'state') scope = `${activityId ?? ''}|${agent}|${registration?.toLowerCase() ?? ''}`;
      else if (route.kind === 'activity-profile') scope = activityId ?? '';
      else scope = agent;
      const since = p['since'];
      if (since !== undefined && !isTimestamp(since)) throw bad('query.timestamp', 'since', 'since must be an ISO 8601 timestamp');
      const documentId = p[route.idParam];
      if (documentId?.includes('\u0000') === true) throw bad('document.id', route.idParam, `${route.idParam} may not contain NUL`);
      return { address: { organisationCode: client.organisationCode, kind: route.kind, scope }, id: documentId, since: since === undefined ? undefined : new Date(since) };
    };

    app.get(route.url, { config }, async (request, reply) => {
      const { address: at, id, since } = address(request);
      if (id === undefined) return reply.type('application/json; charset=utf-8').send(await documents.ids(at, since));
      if (since !== undefined) throw bad('query.since', 'since', 'since applies only when asking for many documents');
      const doc = await documents.get(at, id);
      if (doc === null) throw new XapiError(404, 'GNM_NOT_FOUND', 'no such document');
      reply.header('ETag', `"${doc.etag}"`).header('Last-Modified', doc.updated.toUTCString());
      return reply.type(doc.contentType).send(Buffer.from(doc.content));
    });

    const write = (method: 'PUT' | 'POST') => async (request: FastifyRequest, reply: FastifyReply) => {
      const { address: at, id } = address(request);
      if (id === undefined) throw bad('required', route.idParam, `${route.idParam} is required`);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const contentType = header(request, 'content-type') ?? 'application/octet-stream';
      // Read, decide, then write only if nobody wrote in between (else read again).
      for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
        const current = await documents.get(at, id);
        const decision = writeDecision(route.kind, method, current, { ifMatch: header(request, 'if-match'), ifNoneMatch: header(request, 'if-none-match') }, request.xapiVersion);
        if (decision === 'precondition-failed') throw new XapiError(412, 'GNM_CONFLICT', 'the document has changed (If-Match / If-None-Match)');
        if (decision === 'precondition-required') throw bad('concurrency.header', 'If-Match', 'a PUT to a profile needs If-Match with the current ETag, or If-None-Match: * for a new profile');
        if (decision === 'conflict') throw new XapiError(409, 'GNM_CONFLICT', 'the document exists: send If-Match with its ETag, or If-None-Match: *');
        let content: Buffer = body;
        let type = contentType;
        if (method === 'POST') {
          const merged = mergeDocuments(current === null ? null : { contentType: current.contentType, text: Buffer.from(current.content).toString('utf8') }, { contentType, text: body.toString('utf8') });
          if (!merged.ok) throw bad('document.merge', '$', merged.reason);
          content = Buffer.from(merged.content);
          if (current !== null) type = 'application/json';
        }
        const etag = await documents.putIf(at, id, current?.etag ?? null, type, content);
        if (etag !== null) return reply.header('ETag', `"${etag}"`).code(204).send();
      }
      throw new XapiError(409, 'GNM_CONFLICT', 'the document kept changing while this request was written: send it again');
    };
    app.put(route.url, { config, bodyLimit: MAX_BODY_BYTES }, write('PUT'));
    app.post(route.url, { config, bodyLimit: MAX_BODY_BYTES }, write('POST'));

    app.delete(route.url, { config }, async (request, reply) => {
      const { address: at, id } = address(request);
      if (id === undefined && route.kind !== 'state') throw bad('required', route.idParam, `${route.idParam} is required`);
      if (id === undefined) {
        await documents.delete(at, null);
        return reply.code(204).send();
      }
      for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
        const current = await documents.get(at, id);
        const decision = writeDecision(route.kind, 'DELETE', current, { ifMatch: header(request, 'if-match'), ifNoneMatch: header(request, 'if-none-match') }, request.xapiVersion);
        if (decision !== 'ok') throw new XapiError(412, 'GNM_CONFLICT', 'the document has changed (If-Match)');
        if (current === null || await documents.deleteIf(at, id, current.etag)) return reply.code(204).send();
      }
      throw new XapiError(409, 'GNM_CONFLICT', 'the document kept changing while this request was written: send it again');
    });
  }

  // Methods the spec does not define for a resource: 405 with the methods it does (1.0.3 Communication 3.2.s3.b1),
  // before any version or credential check (the method is wrong whoever asks; Allow is no secret). Declared as
  // routes, so that they are xAPI answers (csrf off, the xAPI headers) and not the site's not-found path, whose
  // form-token check would answer 403.
  const served: { url: string; allow: readonly string[] }[] = [
    { url: '/xapi/statements', allow: ['GET', 'HEAD', 'PUT', 'POST'] },
    { url: '/xapi/activities', allow: ['GET', 'HEAD'] },
    { url: '/xapi/agents', allow: ['GET', 'HEAD'] },
    { url: '/xapi/about', allow: ['GET', 'HEAD'] },
    ...documentRoutes.map((r) => ({ url: r.url, allow: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'] })),
  ];
  for (const { url, allow } of served) {
    const others = (['DELETE', 'PATCH', 'POST', 'PUT'] as const).filter((m) => !allow.includes(m));
    for (const m of others) notAllowed.add(`${m} ${url}`);
    app.route({
      method: others, url, config,
      handler: async (request, reply) => {
        reply.header('Allow', allow.join(', '));
        const message = `${request.method} is not a method of ${url}; it takes ${allow.join(', ')}`;
        throw new XapiError(405, 'GNM_VALIDATION', message, [{ rule: 'method', path: 'method', message }]);
      },
    });
  }

  // The activities resource: the definition this LRS holds for an activity.
  app.get('/xapi/activities', { config }, async (request, reply) => {
    const client = requireScope(request, 'statements/read');
    const activityId = (request.query as Record<string, unknown>)['activityId'];
    if (typeof activityId !== 'string' || !isIri(activityId)) throw bad('iri', 'activityId', 'activityId is required and must be an IRI');
    const definition = await statements.activityDefinition(client.organisationCode, activityId);
    return reply.type('application/json; charset=utf-8').send({ objectType: 'Activity', id: activityId, ...(definition === null ? {} : { definition }) });
  });

  // The agents resource: the Person object for an agent (this LRS knows one identifier per person).
  app.get('/xapi/agents', { config }, async (request, reply) => {
    requireScope(request, 'statements/read');
    const raw = (request.query as Record<string, unknown>)['agent'];
    if (typeof raw !== 'string') throw bad('required', 'agent', 'agent is required');
    parseAgentParam(raw);
    const agent = JSON.parse(raw) as Json;
    const person: Json = { objectType: 'Person' };
    if (typeof agent['name'] === 'string') person['name'] = [agent['name']];
    for (const k of ['mbox', 'mbox_sha1sum', 'openid', 'account']) if (agent[k] !== undefined) person[k] = [agent[k]];
    return reply.type('application/json; charset=utf-8').send(person);
  });
}
