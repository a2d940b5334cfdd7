// Regression: the server had no timeouts and no cap on connections, so 350
// slow-loris connections were all still open after 80 s. Real sockets against
// a listening server whose limits are set short through the configuration: a
// client that sends its headers (or its body) slowly is answered 408 and cut
// off, an idle kept-alive connection is closed, and connections past the cap
// are refused while those within it are served.

import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

const sqlite = engines.find((engine) => engine.name === 'sqlite');
if (sqlite === undefined) throw new Error('SQLite is always available');

/** A socket to the server, with everything it received and whether it has closed. */
interface Client {
  readonly socket: Socket;
  received: string;
  closed: boolean;
  readonly whenClosed: Promise<void>;
}

function open(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let ended: () => void = () => undefined;
    const client: Client = { socket, received: '', closed: false, whenClosed: new Promise((done) => { ended = done; }) };
    socket.on('data', (chunk: Buffer) => { client.received += chunk.toString('latin1'); });
    socket.on('close', () => { client.closed = true; ended(); });
    socket.on('error', () => undefined);
    socket.once('connect', () => { resolve(client); });
    socket.once('error', reject);
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `lines` one by one, `every` ms apart, until they are all sent or the server closes; returns how many were sent. */
async function dribble(client: Client, lines: readonly string[], every: number): Promise<number> {
  let sent = 0;
  for (const line of lines) {
    if (client.closed) break;
    client.socket.write(line);
    sent += 1;
    await Promise.race([pause(every), client.whenClosed]);
  }
  return sent;
}

describe('the HTTP server\'s limits', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await buildTestApp(sqlite, {
      HTTP_HEADERS_TIMEOUT_SECONDS: '1', HTTP_REQUEST_TIMEOUT_SECONDS: '2', HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '1', HTTP_MAX_CONNECTIONS: '3',
    });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(async () => { await t.close(); });

  it('answers 408 and disconnects a client that sends its headers slowly', async () => {
    const client = await open(port);
    // Forty header lines, a quarter of a second apart: ten seconds, were they all let through.
    const lines = ['GET /health HTTP/1.1\r\n', 'Host: localhost\r\n', ...Array.from({ length: 38 }, (_, i) => `X-Slow-${String(i)}: 1\r\n`)];
    const sent = await dribble(client, lines, 250);
    await client.whenClosed;
    expect(sent).toBeLessThan(lines.length);
    expect(client.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers 408 and disconnects a client that sends its body slowly', async () => {
    const client = await open(port);
    client.socket.write('POST /sign-in HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n');
    const sent = await dribble(client, Array.from({ length: 50 }, () => 'a=b&'), 250);
    await client.whenClosed;
    expect(sent).toBeLessThan(50);
    expect(client.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a kept-alive connection left idle after its request', async () => {
    const client = await open(port);
    client.socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await client.whenClosed;
    expect(client.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(client.received).toMatch(/keep-alive/i);
  });

  it('refuses connections past the cap, and serves those within it', async () => {
    const kept = [await open(port), await open(port), await open(port)];
    const refused = await open(port);
    await refused.whenClosed;
    expect(refused.received).toBe('');
    // Those within the cap are still served.
    for (const client of kept) client.socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    await Promise.all(kept.map((client) => client.whenClosed));
    for (const client of kept) expect(client.received).toMatch(/^HTTP\/1\.1 200 /);
    // Once they have gone, a new connection is served again.
    const later = await open(port);
    later.socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    await later.whenClosed;
    expect(later.received).toMatch(/^HTTP\/1\.1 200 /);
  });
});
