// The load generator for bench/xapi.ts, in its own process: autocannon POSTing
// batches of generated statements (no ids, so every request stores new ones).

import autocannon from 'autocannon';
import { statementAt } from './xapi-generator.js';

interface Message { url: string; seconds: number; connections: number; authorization: string; batch: number; learners: number; seed: number }

process.once('message', (message) => {
  const m = message as Message;
  const bodies = Array.from({ length: 200 }, (_, b) => JSON.stringify(Array.from({ length: m.batch }, (_, i) => statementAt({ learners: m.learners, seed: m.seed }, b * m.batch + i))));
  let n = 0;
  void autocannon({
    url: m.url, connections: m.connections, duration: m.seconds,
    requests: [{
      method: 'POST',
      setupRequest: (req) => {
        n += 1;
        return { ...req, path: '/xapi/statements', headers: { authorization: m.authorization, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' }, body: bodies[n % bodies.length] ?? '[]' };
      },
    }],
  }).then((result) => { process.send?.(result); });
});
