// The xAPI endpoint at its documented limits (issue 13, item 7): how long the
// web thread is blocked at a time while it takes the largest requests the LRS
// accepts (docs/xapi.md, "Limits"), per engine. The target: no single request
// blocks the event loop for more than 100 ms.
//
// The server runs in this process with `perf_hooks.monitorEventLoopDelay`
// (1 ms resolution); every body is built before the measurement starts, so
// the client's own work is a write of ready bytes. For each kind of request,
// sent one after another and then four at once, it prints the longest event
// loop delay seen (the longest block), its p99, the requests' latency and
// their answers. Nothing is asserted.
//
//   BENCH_XAPI_LIMITS_ENGINES  which engines (default sqlite,postgres)
//   BENCH_XAPI_LIMITS_REPEAT   requests per kind (default 5)

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from '../src/config/env.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../src/db/database.js';
import { XapiClientStore } from '../src/db/stores/xapi-client-store.js';
import { MAX_BODY_BYTES, MAX_STATEMENTS_JSON_BYTES, MAX_STATEMENTS_PER_REQUEST } from '../src/domain/xapi/index.js';
import { buildApp } from '../src/web/app.js';
import { keepHeapSmall } from '../src/web/heap.js';
import { loadAverage, machine } from './machine.js';
import { statementAt, uuidFrom, random } from './xapi-generator.js';

const ENGINES = (process.env['BENCH_XAPI_LIMITS_ENGINES'] ?? 'sqlite,postgres').split(',');
const REPEAT = Number(process.env['BENCH_XAPI_LIMITS_REPEAT'] ?? 5);
const POSTGRES_URL = process.env['DATABASE_URL_TEST'] ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Body { readonly payload: Buffer; readonly contentType: string }

let counter = 0;

/** MAX_STATEMENTS_PER_REQUEST generated statements (about 2 KB each, as eLearning sends), trimmed to fit the JSON cap. */
function generatedBatch(): Body {
  const list: unknown[] = [];
  let bytes = 2;
  for (let i = 0; i < MAX_STATEMENTS_PER_REQUEST; i += 1) {
    counter += 1;
    const s = { ...statementAt({ learners: 20_000, seed: 7 }, counter), id: uuidFrom(random(counter * 7919 + 17)) };
    const size = Buffer.byteLength(JSON.stringify(s)) + 1;
    if (bytes + size > MAX_STATEMENTS_JSON_BYTES) break;
    bytes += size;
    list.push(s);
  }
  return { payload: Buffer.from(JSON.stringify(list)), contentType: 'application/json' };
}

/** The worst case for parsing: MAX_STATEMENTS_PER_REQUEST small statements whose extensions fill the JSON cap with small objects. */
function denseBatch(): Body {
  const per = Math.floor(MAX_STATEMENTS_JSON_BYTES / MAX_STATEMENTS_PER_REQUEST) - 600;
  const cells = Math.max(1, Math.floor(per / 16));
  const list = Array.from({ length: MAX_STATEMENTS_PER_REQUEST }, (_, i) => ({
    id: uuidFrom(random(1e9 + (counter += 1))),
    actor: { mbox: `mailto:learner${String(i)}@example.nhs.wales` }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
    object: { id: `https://genomeg.nhs.wales/modules/m${String(i % 16)}` },
    result: { extensions: { 'https://genomeg.nhs.wales/x/cells': Array.from({ length: cells }, (_c, k) => ({ k, v: 'ab' })) } },
  }));
  const payload = Buffer.from(JSON.stringify(list));
  if (payload.length > MAX_STATEMENTS_JSON_BYTES) throw new Error(`dense batch ${String(payload.length)} bytes is over the cap`);
  return { payload, contentType: 'application/json' };
}

/** One statement and one attachment filling the body to just under MAX_BODY_BYTES. */
function largestAttachment(): Body {
  counter += 1;
  const content = randomBytes(MAX_BODY_BYTES - 4096);
  const sha2 = createHash('sha256').update(content).digest('hex');
  const statement = {
    id: uuidFrom(random(2e9 + counter)), actor: { mbox: 'mailto:learner@example.nhs.wales' }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
    object: { id: 'https://genomeg.nhs.wales/modules/m1' },
    attachments: [{ usageType: 'https://genomeg.nhs.wales/x/recording', display: { en: 'recording' }, contentType: 'application/octet-stream', length: content.length, sha2 }],
  };
  const boundary = `b${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(statement)}\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${sha2}\r\n\r\n`),
    content, Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/mixed; boundary=${boundary}` };
}

/**
 * The longest gap between two ticks of a 1 ms timer, in wall-clock time and in
 * the CPU time this process used during that gap (all its threads: an upper
 * bound on the web thread's own work). On a machine shared with other work the
 * wall-clock gap includes time the process was waiting for a core; the CPU
 * time does not.
 */
function watchGaps(): () => { wallMs: number; cpuMs: number } {
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  let worst = { wallMs: 0, cpuMs: 0 };
  const timer = setInterval(() => {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const gap = { wallMs: wall - lastWall, cpuMs: Math.min(wall - lastWall, (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000) };
    if (gap.cpuMs > worst.cpuMs) worst = gap;
    lastWall = wall;
    lastCpu = cpu;
  }, 1);
  return () => { clearInterval(timer); return worst; };
}

function send(port: number, authorization: string, body: Body): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/xapi/statements', headers: {
      authorization, 'x-experience-api-version': '1.0.3', 'content-type': body.contentType, 'content-length': String(body.payload.length),
    } }, (res) => {
      res.resume();
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }); });
    });
    req.on('error', reject);
    req.end(body.payload);
  });
}

async function once(label: string, handle: DatabaseHandle, url: string): Promise<void> {
  await migrateToLatest(handle);
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', DATABASE_URL: url });
  keepHeapSmall();
  const app = await buildApp({ config, database: handle, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  try {
    const { client, secret } = await XapiClientStore.create(handle.db).createClient({ organisationCode: '7A7', name: 'bench limits', scopes: ['all'] }, null);
    const authorization = `Basic ${Buffer.from(`${client.key}:${secret}`).toString('base64')}`;
    const kinds: [string, () => Body][] = [
      [`${String(MAX_STATEMENTS_PER_REQUEST)} generated statements (~2 KB each, within ${String(MAX_STATEMENTS_JSON_BYTES / 2 ** 20)} MiB)`, generatedBatch],
      [`${String(MAX_STATEMENTS_PER_REQUEST)} statements, ${String(MAX_STATEMENTS_JSON_BYTES / 2 ** 20)} MiB of dense JSON`, denseBatch],
      [`1 statement + an attachment, body ${String(MAX_BODY_BYTES / 2 ** 20)} MiB`, largestAttachment],
      [`over the limits: ${String(MAX_STATEMENTS_PER_REQUEST + 1)} statements (413)`, () => { const b = JSON.parse(generatedBatch().payload.toString()) as unknown[]; return { payload: Buffer.from(JSON.stringify([...b, ...b].slice(0, MAX_STATEMENTS_PER_REQUEST + 1).map((s) => ({ ...(s as object), id: undefined })))), contentType: 'application/json' }; }],
      ['over the limits: JSON nested 10,000 deep (400)', () => ({ payload: Buffer.from(`${'['.repeat(10_000)}${']'.repeat(10_000)}`), contentType: 'application/json' })],
    ];
    // Warm up (the first request compiles the code paths).
    await send(port, authorization, generatedBatch());
    for (const [name, make] of kinds) {
      for (const together of [1, 4]) {
        const bodies = Array.from({ length: together === 1 ? REPEAT : 4 }, make);
        const histogram = monitorEventLoopDelay({ resolution: 1 });
        const before = loadAverage();
        histogram.enable();
        const gaps = watchGaps();
        const results = together === 1
          ? await bodies.reduce<Promise<{ status: number; ms: number }[]>>(async (acc, body) => [...(await acc), await send(port, authorization, body)], Promise.resolve([]))
          : await Promise.all(bodies.map((body) => send(port, authorization, body)));
        histogram.disable();
        const gap = gaps();
        const statuses = [...new Set(results.map((r) => r.status))].join('/');
        const ms = results.map((r) => r.ms).sort((a, b) => a - b);
        console.log(`${label.padEnd(10)} ${name}, ${together === 1 ? `${String(bodies.length)} one after another` : '4 at once'}: `
          + `longest event-loop block ${(histogram.max / 1e6).toFixed(0)} ms (p99 ${(histogram.percentile(99) / 1e6).toFixed(0)} ms); `
          + `the block with the most CPU: ${gap.cpuMs.toFixed(0)} ms CPU in ${gap.wallMs.toFixed(0)} ms; `
          + `answered ${statuses} in ${ms[0]?.toFixed(0) ?? '?'}–${ms.at(-1)?.toFixed(0) ?? '?'} ms; ${before}`);
      }
    }
  } finally {
    await app.close();
  }
}

export async function run(): Promise<void> {
  console.log(`xAPI limits benchmark on ${machine()}; ${loadAverage()}`);
  console.log(`limits: ${String(MAX_STATEMENTS_PER_REQUEST)} statements and ${String(MAX_STATEMENTS_JSON_BYTES)} bytes of statements' JSON per request; bodies up to ${String(MAX_BODY_BYTES)} bytes`);
  if (ENGINES.includes('sqlite')) {
    const dir = mkdtempSync(join(tmpdir(), 'genomeg-xapi-limits-'));
    try {
      const file = join(dir, 'bench.sqlite');
      const sqlite = openDatabase(`sqlite:${file}`, { checkpoints: 'background' });
      try {
        await once('SQLite', sqlite, `sqlite:${file}`);
      } finally {
        await sqlite.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (!ENGINES.includes('postgres')) return;
  const schema = `bench_xapi_limits_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  try {
    await admin.connect();
  } catch {
    console.log('PostgreSQL not reachable: skipped');
    return;
  }
  await admin.query(`create schema ${schema}`);
  try {
    const handle = openDatabase(POSTGRES_URL, { schema, poolSize: 10 });
    try {
      await once('PostgreSQL', handle, POSTGRES_URL);
    } finally {
      await handle.close();
    }
  } finally {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}
