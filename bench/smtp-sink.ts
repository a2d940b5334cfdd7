// A local SMTP server for the email benchmark, in a process of its own so that
// the benchmark's memory figure is Genomeg's alone: accepts every message,
// counts them, prints its port, then each count on request ("count\n" on stdin).

import { SMTPServer } from 'smtp-server';
import type { Server } from 'node:net';

let count = 0;
const server = new SMTPServer({
  secure: false, authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => { count++; callback(); });
  },
});
server.listen(0, '127.0.0.1', () => {
  const address = (server as unknown as { readonly server: Server }).server.address();
  process.stdout.write(`port ${typeof address === 'object' && address !== null ? String(address.port) : '0'}\n`);
});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  for (const line of chunk.split('\n')) if (line.trim() === 'count') process.stdout.write(`count ${String(count)}\n`);
});
process.stdin.on('end', () => { server.close(() => process.exit(0)); });
