// Regression: a PostgreSQL connection that ended under an idle pool (a
// failover, or pg_terminate_backend) ended the whole server, because neither
// the web pool nor the record writer's had an error listener. Now a lost
// connection is logged and replaced, and while the database cannot be reached
// pages answer 503 in their language, /xapi a 503 in JSON and /health 503.
//
// PostgreSQL only: a SQLite database is a file in the process, with no
// connection to lose. The app runs on PostgreSQL through a TCP proxy that the
// test can stop (every connection cut, new ones refused) and start again, with
// the record writer's worker thread and its own pool running.

import { createServer, connect, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/env.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { XapiClientStore } from '../../src/db/stores/xapi-client-store.js';
import { buildApp } from '../../src/web/app.js';
import { signedIn, type SignedIn } from '../support/app.js';
import { engines, openPostgresSchema, POSTGRES_URL } from '../support/engines.js';
import { validStatement } from '../xapi/fixtures.js';

/** A TCP proxy in front of the test's PostgreSQL: stop() cuts every connection and refuses new ones. */
class Proxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    if (this.server !== null) return;
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => { this.sockets.delete(socket); });
        socket.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => { server.listen(this.port, '127.0.0.1', resolve); });
    const address = server.address();
    if (typeof address === 'object' && address !== null) this.port = address.port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server !== null) await new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
  }

  url(): string {
    const url = new URL(POSTGRES_URL);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }
}

/** Waits for `condition`, checking every 20 ms, failing with `what` after 500 checks. */
async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

const postgres = engines.find((engine) => engine.name === 'postgres');

describe.skipIf(postgres === undefined)('the server when PostgreSQL drops its connections', () => {
  const target = new URL(POSTGRES_URL);
  const proxy = new Proxy({ host: target.hostname, port: Number(target.port === '' ? '5432' : target.port) });
  const logs: { msg: string; pool?: string; level: number }[] = [];
  let database: DatabaseHandle;
  let app: FastifyInstance;
  let learner: SignedIn;
  let xapiAuth: string;
  let admin: pg.Client;

  const xapi = (statement = validStatement()) => app.inject({
    method: 'POST', url: '/xapi/statements', payload: statement,
    headers: { authorization: xapiAuth, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' },
  });
  const page = (path: string) => app.inject({ method: 'GET', url: path, headers: { cookie: learner.cookie, accept: 'text/html' } });
  const pools = () => [`genomeg web ${database.schema ?? ''}`, `genomeg record writer ${database.schema ?? ''}`];
  const lost = (pool: string) => logs.filter((l) => l.msg.startsWith('database connection lost') && l.pool === pool).length;

  beforeAll(async () => {
    await proxy.start();
    database = await openPostgresSchema(proxy.url(), { applicationName: 'genomeg web' });
    const stream = new Writable({ write(chunk: Buffer, _encoding, done) { logs.push(JSON.parse(chunk.toString()) as { msg: string; level: number }); done(); } });
    app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', CONTENT_DIR: 'test/fixtures/content' }), database, logger: { stream } });
    await app.ready();
    learner = await signedIn(app, [{ role: 'learner', organisationCode: null }]);
    const { client, secret } = await XapiClientStore.create(database.db).createClient({ organisationCode: '7A1', name: 'outage test', scopes: ['statements/write', 'statements/read'] }, null);
    xapiAuth = `Basic ${Buffer.from(`${client.key}:${secret}`).toString('base64')}`;
    admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.end();
    await app.close();
    await proxy.start();
    await database.close();
    await proxy.stop();
  });

  it('logs and replaces connections PostgreSQL ends, on the web pool and the record writer\'s, and keeps serving', async () => {
    expect((await xapi()).statusCode).toBe(200);
    expect((await page('/')).statusCode).toBe(200);
    expect(app.records.runsOn).toBe('worker thread');

    // Both pools are found by their application_name, and each of their connections ended.
    const ended = await admin.query<{ application_name: string }>(
      'select application_name, pg_terminate_backend(pid) from pg_stat_activity where application_name = any($1)', [pools()]);
    const names = ended.rows.map((r) => r.application_name);
    expect(new Set(names)).toEqual(new Set(pools()));
    for (const pool of pools()) await until(`${pool} hears its connections end`, () => lost(pool) >= names.filter((n) => n === pool).length);

    // The process is still here; the next requests get new connections.
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await page('/')).statusCode).toBe(200);
    expect((await xapi()).statusCode).toBe(200);
    expect(app.records.runsOn).toBe('worker thread');
    expect(logs.find((l) => l.msg.startsWith('database connection lost'))).toMatchObject({ level: 40 });
  });

  it('answers 503 while the database cannot be reached (a page in its language, xAPI JSON, /health), and serves again when it is back', async () => {
    await proxy.stop();

    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'unavailable' });

    const english = await page('/');
    expect(english.statusCode).toBe(503);
    expect(english.headers['retry-after']).toBe('30');
    expect(english.body).toContain('<html lang="en"');
    expect(english.body).toContain('The service cannot reach its database at the moment');

    const welsh = await page('/cy/');
    expect(welsh.statusCode).toBe(503);
    expect(welsh.body).toContain('<html lang="cy"');
    expect(welsh.body).toContain('Ni all y gwasanaeth gysylltu â&#39;i gronfa ddata ar hyn o bryd');

    // The error page's styles still load for a signed-in person: assets never look up the session.
    const css = await app.inject({ method: 'GET', url: '/assets/nhsuk/nhsuk-frontend.min.css', headers: { cookie: learner.cookie } });
    expect(css.statusCode).toBe(200);

    const statements = await xapi();
    expect(statements.statusCode).toBe(503);
    expect(statements.headers['content-type']).toContain('application/json');
    expect(statements.json()).toMatchObject({ code: 'GNM_DATABASE_UNAVAILABLE' });

    await proxy.start();
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await page('/cy/')).statusCode).toBe(200);
    expect((await xapi()).statusCode).toBe(200);
  });
});
