// A real SMTP server on 127.0.0.1 for the tests (the smtp-server package), with
// every message it accepts parsed by mailparser. Addresses can be made to fail:
// `refuse` answers 550 for good, `refuseOnce` answers 451 the first time.

import type { Server } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface TestSmtp {
  readonly port: number;
  readonly received: ParsedMail[];
  readonly refuse: Set<string>;
  readonly refuseOnce: Set<string>;
  /** Messages accepted, parsed or not yet (the benchmark only counts). */
  count: number;
  close(): Promise<void>;
}

export async function startTestSmtp(options: { readonly parse?: boolean } = {}): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  const refuse = new Set<string>();
  const refuseOnce = new Set<string>();
  const state = { count: 0 };
  const server = new SMTPServer({
    secure: false, authOptional: true, disabledCommands: ['STARTTLS'], logger: false, size: 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      if (refuse.has(to)) {
        callback(Object.assign(new Error('5.1.1 No such mailbox'), { responseCode: 550 }));
        return;
      }
      if (refuseOnce.delete(to)) {
        callback(Object.assign(new Error('4.2.0 Try again later'), { responseCode: 451 }));
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      if (options.parse === false) {
        stream.on('data', () => undefined);
        stream.on('end', () => { state.count++; callback(); });
        return;
      }
      simpleParser(stream).then((mail) => { received.push(mail); state.count++; callback(); }, (error: unknown) => { callback(error as Error); });
    },
  });
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  // smtp-server keeps its net.Server as `server`, which its types leave out.
  const address = (server as unknown as { readonly server: Server }).server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port, received, refuse, refuseOnce,
    get count() { return state.count; },
    set count(n: number) { state.count = n; },
    close: () => new Promise<void>((resolve) => { server.close(() => { resolve(); }); }),
  };
}
