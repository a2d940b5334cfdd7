// The other half of load.ts: the process that generates the load.

import autocannon from 'autocannon';
import type { LoadRequest } from './load.js';

process.once('message', (message) => {
  const { url, seconds, connections, request, amount, rate } = message as { url: string; seconds: number; connections: number; request: LoadRequest; amount?: number; rate?: number };
  let n = 0;
  void autocannon({
    url, connections, ...(amount === undefined ? { duration: seconds } : { amount }), ...(rate === undefined ? {} : { overallRate: rate }),
    requests: [{
      method: request.method,
      setupRequest: (req) => {
        n += 1;
        const who = request.sessions[n % request.sessions.length] ?? { cookie: '', csrf: '' };
        const step = request.order === 'walk' ? Math.floor(n / request.sessions.length) : n;
        const path = request.paths[step % request.paths.length] ?? '/';
        const headers: Record<string, string> = { cookie: who.cookie, accept: 'text/html' };
        if (request.body === undefined) return { ...req, path, headers };
        return { ...req, path, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: request.body.replace('{csrf}', who.csrf) };
      },
    }],
  }).then((result) => { process.send?.(result); });
});
