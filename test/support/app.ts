// Building the real app on a real database for a test, and signing people in
// without going through the sign-in form (the sign-in tests do that).

import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config/env.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import type { RoleGrant } from '../../src/domain/auth/index.js';
import { buildApp } from '../../src/web/app.js';
import { SESSION_COOKIE } from '../../src/web/plugins/auth.js';
import type { Engine } from './engines.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly database: DatabaseHandle;
  close(): Promise<void>;
}

export async function buildTestApp(engine: Engine, env: Record<string, string> = {}): Promise<TestApp> {
  const database = await engine.open();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content', ...env });
  const app = await buildApp({ config, database, logger: false });
  await app.ready();
  return { app, database, close: async () => { await app.close(); await database.close(); } };
}

export interface SignedIn {
  readonly userId: string;
  readonly cookie: string;
  readonly csrf: string;
}

let counter = 0;

/** An account with these roles, and a live session for it. */
export async function signedIn(app: FastifyInstance, grants: readonly RoleGrant[], options: { staffId?: string; displayName?: string } = {}): Promise<SignedIn> {
  counter += 1;
  const user = await app.stores.users.create({
    email: `person${counter}-${Date.now()}@test.genomeg.test`, displayName: options.displayName ?? `Test Person ${counter}`,
    passwordHash: null, grants, staffId: options.staffId ?? null,
  }, null);
  const { token, session } = await app.stores.sessions.start(user.id);
  return { userId: user.id, cookie: `${SESSION_COOKIE}=${token}`, csrf: session.csrfToken };
}

export function html(response: LightMyRequestResponse): string {
  return response.body;
}

/** A multipart/form-data body with fields and one file. */
export function multipart(fields: Record<string, string>, file?: { name: string; filename: string; content: string | Buffer; type?: string }): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----genomeg${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file !== undefined) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'text/csv'}\r\n\r\n`));
    parts.push(typeof file.content === 'string' ? Buffer.from(file.content) : file.content);
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** The form token a page carries (its hidden `_csrf` field); '' when it has none. */
export function csrfFrom(body: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
}

/** A cookie's value from a response's Set-Cookie headers; '' when it is not set. */
export function cookieFrom(setCookie: string | string[] | undefined, name: string): string {
  for (const c of [setCookie ?? []].flat()) {
    const [pair = ''] = c.split(';');
    if (pair.startsWith(`${name}=`)) return pair.slice(name.length + 1);
  }
  return '';
}
