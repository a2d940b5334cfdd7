// Issue 13, item 5: a multipart body is read only where a file is taken, and
// only after the session, the access and the form token are checked. These
// tests post a 40 MB body over a real socket and watch the server's buffers:
// before the fix, every POST route read the whole body into memory first.
// SQLite only: nothing here touches the database beyond finding the session.

import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

const sqlite = engines.filter((e) => e.name === 'sqlite');
const MEGABYTE = 1024 * 1024;

describe.each(sqlite)('uploads on $name', (engine) => {
  let t: TestApp;
  let port: number;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
    admin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
  }, 120_000);
  afterAll(async () => { t.app.server.closeAllConnections(); await t.close(); }, 120_000);

  /** Post a multipart body of `megabytes` over a socket, stopping once the server answers; gives the status and the most the process's buffers grew meanwhile. */
  async function post(path: string, megabytes: number, headers: Record<string, string> = {}, firstField = ''): Promise<{ status: number; grewBy: number }> {
    const boundary = 'genomegbig';
    const chunk = Buffer.alloc(MEGABYTE, 0x61);
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().arrayBuffers); }, 5);
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'text/html', ...headers } });
    const state = { answered: false };
    const response = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => { state.answered = true; res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', (error) => { if (!state.answered) reject(error); });
    });
    req.write(`${firstField}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`);
    for (let i = 0; i < megabytes && !state.answered && !req.destroyed; i += 1) {
      if (!req.write(chunk)) await Promise.race([once(req, 'drain'), response.catch(() => undefined)]);
    }
    if (!state.answered && !req.destroyed) req.end(`\r\n--${boundary}--\r\n`);
    const status = await response;
    req.destroy();
    clearInterval(sampler);
    return { status, grewBy: peak - baseline };
  }

  it('refuses an anonymous 40 MB multipart post to /sign-in without holding it in memory', async () => {
    const { status, grewBy } = await post('/sign-in', 40);
    expect(status).toBe(415);
    expect(grewBy).toBeLessThan(16 * MEGABYTE);
  }, 120_000);

  it('refuses an anonymous 40 MB upload to /staff/import without holding it in memory', async () => {
    const { status, grewBy } = await post('/staff/import', 40);
    expect(status).toBe(401);
    expect(grewBy).toBeLessThan(16 * MEGABYTE);
  }, 120_000);

  it('refuses a signed-in upload whose first field is not the form token, without reading the file', async () => {
    const { status, grewBy } = await post('/staff/import', 40, { cookie: admin.cookie });
    expect(status).toBe(403);
    expect(grewBy).toBeLessThan(16 * MEGABYTE);
  }, 120_000);

  it('refuses a file over the limit with 413, keeping no more than the limit', async () => {
    const small = await buildTestApp(engine, { IMPORT_MAX_MEGABYTES: '1' });
    try {
      const who = await signedIn(small.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
      const boundary = 'b';
      const payload = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${who.csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="mode"\r\n\r\npartial\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n`),
        Buffer.alloc(3 * MEGABYTE, 0x61), Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const response = await small.app.inject({ method: 'POST', url: '/staff/import', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: who.cookie, accept: 'text/html' }, payload });
      expect(response.statusCode).toBe(413);
      expect(response.body).toContain('The file must be smaller than 1 MB');
    } finally {
      await small.close();
    }
  }, 120_000);
});
