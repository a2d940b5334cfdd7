// The other half of load.ts: the process that generates the load.
//
// As fast as the server answers: autocannon. At a rate: requests sent open
// loop, one every 1000/rate ms on a fixed schedule (as wrk2 does), each timed
// from when it was due, not when it went out. autocannon's own rate limit
// sends each connection's share of a second at the start of the second and
// then waits (bursts, not a rate), and corrects its latencies with an
// interval of 1 ms whatever the rate, so its p99 at a rate measured neither.

import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';
import type { LoadFigures, LoadRequest } from './load.js';

type Message = { url: string; seconds: number; connections: number; request: LoadRequest; amount?: number; rate?: number };

/** The q-quantile of sorted values, to a tenth of a millisecond. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const value = sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return Math.round(value * 10) / 10;
}

function headersFor(request: LoadRequest, n: number): { path: string; headers: Record<string, string>; body: string | undefined } {
  const who = request.sessions[n % request.sessions.length] ?? { cookie: '', csrf: '' };
  const step = request.order === 'walk' ? Math.floor(n / request.sessions.length) : n;
  const path = request.paths[step % request.paths.length] ?? '/';
  const headers: Record<string, string> = { cookie: who.cookie, accept: 'text/html' };
  if (request.body === undefined) return { path, headers, body: undefined };
  return { path, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: request.body.replace('{csrf}', who.csrf) };
}

/** `rate` requests a second for `seconds`, over at most `connections` keep-alive connections (a request due while all are busy waits, and that wait is counted). */
async function paced({ url, seconds, connections, request, rate }: Message & { rate: number }): Promise<LoadFigures> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const interval = 1000 / rate;
  // A first second not counted: the connections are opened and both ends warm up (before, the
  // first 300 ms held most of the slow requests and alone moved the p99).
  const warm = Math.round(rate);
  const total = warm + Math.max(1, Math.round(seconds * rate));
  const latencies: number[] = [];
  const lateness: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const start = performance.now() + 20;
  const counted = start + warm * interval;
  let last = counted;
  await new Promise<void>((resolve) => {
    let sent = 0;
    let ended = 0;
    const end = () => { ended += 1; last = performance.now(); if (ended === total) resolve(); };
    const send = (n: number, due: number) => {
      const { path, headers, body } = headersFor(request, n);
      if (n >= warm) lateness.push(performance.now() - due);
      const req = httpRequest({ host: target.hostname, port: target.port, path, method: request.method, agent, headers }, (res) => {
        res.resume();
        res.once('end', () => {
          if (n >= warm) latencies.push(performance.now() - due);
          if (n >= warm && ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299)) non2xx += 1;
          end();
        });
      });
      req.once('error', () => { if (n >= warm) errors += 1; end(); });
      req.end(body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        send(sent, start + sent * interval);
        sent += 1;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    setTimeout(tick, 20);
  });
  agent.destroy();
  latencies.sort((a, b) => a - b);
  lateness.sort((a, b) => a - b);
  return {
    requests: { average: latencies.length / ((last - counted) / 1000) },
    latency: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) },
    sentLateP99: quantile(lateness, 0.99),
    non2xx, errors,
  };
}

process.once('message', (message) => {
  const options = message as Message;
  const { url, seconds, connections, request, amount, rate } = options;
  if (rate !== undefined) {
    void paced({ ...options, rate }).then((result) => { process.send?.(result); });
    return;
  }
  let n = 0;
  void autocannon({
    url, connections, ...(amount === undefined ? { duration: seconds } : { amount }),
    requests: [{
      method: request.method,
      setupRequest: (req) => {
        n += 1;
        const { path, headers, body } = headersFor(request, n);
        return body === undefined ? { ...req, path, headers } : { ...req, path, headers, body };
      },
    }],
  }).then((result) => { process.send?.(result); });
});
